package pnp.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PKCS12 key store the HTTPS connector presents: either one the admin configured, or a
 * self-signed one generated on first start by the running JDK's {@code keytool} (pure JDK, no
 * {@code sun.security} classes, which OSGi does not export) and kept for later starts.
 *
 * <p>A generated key store has a random password kept beside it in {@code http.p12.password}; both
 * files are readable by the owner only where the file system allows it.
 *
 * @param keyStore the loaded key store
 * @param password its password (also the key's)
 * @param path where it lives
 * @param fingerprint SHA-256 of the first certificate, as colon-separated hex, for pinning
 */
record ServerKeystore(KeyStore keyStore, String password, Path path, String fingerprint) {

    static final String FILE = "http.p12";
    static final String PASSWORD_FILE = "http.p12.password";
    static final String ALIAS = "pnp-http";
    static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(ServerKeystore.class);

    @Override
    public String toString() {
        return "ServerKeystore[" + path + ", SHA-256 " + fingerprint + "]";
    }

    /** Loads a configured PKCS12 key store. */
    static ServerKeystore load(Path path, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password.toCharArray());
        } catch (IOException e) {
            if (!Files.isReadable(path)) {
                throw e;
            }
            throw new IOException("not a PKCS12 key store, or the wrong password", e);
        }
        return new ServerKeystore(ks, password, path, fingerprint(ks));
    }

    /**
     * Loads the self-signed key store in {@code keysDirectory}, generating it first when absent.
     * Blocks while {@code keytool} runs (about a second, at most {@value #KEYTOOL_TIMEOUT_SECONDS} s).
     */
    static ServerKeystore selfSigned(Path keysDirectory) throws IOException, GeneralSecurityException {
        Path store = keysDirectory.resolve(FILE);
        Path passwordFile = keysDirectory.resolve(PASSWORD_FILE);
        if (Files.isRegularFile(store) && Files.isRegularFile(passwordFile)) {
            return load(store, Files.readString(passwordFile, StandardCharsets.US_ASCII).trim());
        }
        Files.createDirectories(keysDirectory);
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path tmp = keysDirectory.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        runKeytool(tmp, password);
        ownerOnly(tmp);
        Path tmpPassword = keysDirectory.resolve(PASSWORD_FILE + ".tmp");
        Files.writeString(tmpPassword, password, StandardCharsets.US_ASCII);
        ownerOnly(tmpPassword);
        move(tmpPassword, passwordFile);
        move(tmp, store);
        ServerKeystore ks = load(store, password);
        LOG.info("Generated a self-signed HTTPS certificate in {}, SHA-256 fingerprint {} (pin it on the phones "
                + "or configure your own key store in pnp.http)", store, ks.fingerprint());
        return ks;
    }

    private static void runKeytool(Path target, String password) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").startsWith("Windows") ? "keytool.exe" : "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException("the JDK has no keytool at " + keytool);
        }
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                "-validity", "3650", "-dname", "CN=pnp-provisioning, O=PnP provisioning",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", target.toString(),
                "-storepass:env", "PNP_KEYSTORE_PASSWORD", "-keypass:env", "PNP_KEYSTORE_PASSWORD");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PNP_KEYSTORE_PASSWORD", password);
        Process p = pb.start();
        try {
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(4096);
            }
            if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(target)) {
                throw new IOException("keytool failed (exit " + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        } finally {
            p.destroyForcibly();
        }
    }

    static String fingerprint(KeyStore ks) throws GeneralSecurityException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                Certificate c = ks.getCertificate(alias);
                if (c != null) {
                    byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
                    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
                }
            }
        }
        throw new GeneralSecurityException("the key store holds no private key with a certificate");
    }

    private static void ownerOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("Could not restrict the permissions of {}", p, e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
