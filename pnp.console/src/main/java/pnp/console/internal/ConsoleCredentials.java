package pnp.console.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the web console never runs with a password anybody knows. On the first start (no
 * password configured for the console), it generates a strong password, hands it to the
 * {@link ReadyLine} to print once, and stores only its hash in the console's configuration. A password configured the
 * console's usual way (PID {@value #CONSOLE_PID}, e.g. from a {@code .cfg} in {@code deploy/}) is
 * left alone. Until this has run, the distribution's framework properties lock the console with a
 * hash whose password nobody knows, so {@code admin/admin} never works.
 */
@Component(immediate = true, service = ConsoleCredentials.class)
public class ConsoleCredentials {

    static final String CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    static final String USER = "admin";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCredentials.class);

    /** What to tell the admin once (the {@link ReadyLine} does), until taken; null when nothing was generated. */
    private final AtomicReference<String> generated = new AtomicReference<>();

    @Activate
    public ConsoleCredentials(@Reference ConfigurationAdmin configAdmin) throws IOException {
        Configuration config = configAdmin.getConfiguration(CONSOLE_PID, "?");
        Dictionary<String, Object> props = config.getProperties();
        if (props != null && props.get("password") != null) {
            LOG.debug("Web console password is configured; not generating one");
            return;
        }
        Dictionary<String, Object> updated = props == null ? new Hashtable<>() : props;
        Object user = updated.get("username");
        if (user == null) {
            updated.put("username", USER);
            user = USER;
        }
        String password = generatePassword(new SecureRandom());
        updated.put("password", hash(password));
        config.update(updated);
        generated.set("generated credentials user '" + user + "' password '" + password + "' (shown only now; only a "
                + "hash is stored; set your own in the console's configuration or in deploy/" + CONSOLE_PID + ".cfg)");
        LOG.info("Web console: generated a password for user '{}'; the ready line shows it once", user);
    }

    /** The generated credentials as a sentence for the log, once; empty when none were generated or already taken. */
    Optional<String> takeGenerated() {
        return Optional.ofNullable(generated.getAndSet(null));
    }

    /** 20 random characters from a 64-letter alphabet: 120 bits. */
    static String generatePassword(SecureRandom random) {
        byte[] bytes = new byte[15];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The console's hashed form: {@code {sha-256}} + base64(SHA-256(password)). A salt would add
     * nothing here: the password is 120 random bits, out of reach of any dictionary.
     */
    static String hash(String password) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return "{sha-256}" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
