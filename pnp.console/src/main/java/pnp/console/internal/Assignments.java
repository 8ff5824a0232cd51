package pnp.console.internal;

import static pnp.api.AssignmentProperties.AUTH_ID;
import static pnp.api.AssignmentProperties.CODECS;
import static pnp.api.AssignmentProperties.DISPLAY_NAME;
import static pnp.api.AssignmentProperties.EXTENSION;
import static pnp.api.AssignmentProperties.LINE_KEYS;
import static pnp.api.AssignmentProperties.MAC;
import static pnp.api.AssignmentProperties.PASSWORD;
import static pnp.api.AssignmentProperties.SIP_USER_ID;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import pnp.api.Assignment;
import pnp.api.MacAddress;

/**
 * The console's view of the {@value Assignment#FACTORY_PID} factory configurations: reads them, creates
 * or updates one per phone, deletes them. The keys are {@link pnp.api.AssignmentProperties}'s. {@code pnp.core} does the rest on its own (renders the files,
 * sends the NOTIFY when the phone is reachable, stops serving at once on delete).
 *
 * <p>A phone's configuration is found by its {@code mac} property in any of its written forms, so an
 * assignment dropped as {@code deploy/pnp.phone-alice.cfg} is found too. New ones are named after the
 * MAC ({@code pnp.phone~000b82273b89}) with location {@code "?"}, so any bundle (and the console's
 * Configuration tab) may see them.
 *
 * <p>Threading: the methods that change configurations are synchronized on this object, so two
 * requests cannot both take the same extension.
 */
final class Assignments {

    /** Property FileInstall puts on configurations it created from a file in {@code deploy/}. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";
    private static final Pattern CODEC = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
    private static final char[] PASSWORD_LETTERS =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    /** What the administrator asked for; empty strings and lists mean "not given". */
    record Request(MacAddress mac, String extension, String sipUserId, String authId, String password,
            String displayName, List<String> codecs, List<String> lineKeys) {
        Request {
            Objects.requireNonNull(mac, "mac");
            extension = Objects.requireNonNullElse(extension, "").strip();
            sipUserId = Objects.requireNonNullElse(sipUserId, "").strip();
            authId = Objects.requireNonNullElse(authId, "").strip();
            password = Objects.requireNonNullElse(password, "");
            displayName = Objects.requireNonNullElse(displayName, "").strip();
            codecs = List.copyOf(Objects.requireNonNullElse(codecs, List.of()));
            lineKeys = List.copyOf(Objects.requireNonNullElse(lineKeys, List.of()));
        }
    }

    /**
     * A configuration as the console shows it: never with its password.
     *
     * @param file the {@code deploy/} file it came from, empty when it was made in the console
     */
    record Current(String pid, MacAddress mac, String extension, String displayName, String sipUserId,
            String authId, List<String> codecs, List<String> lineKeys, String file) {
    }

    /**
     * The outcome of {@link #assign}.
     *
     * @param generatedPassword the password generated for the phone, empty when the request gave one
     *        or the phone kept its own; shown once, stored only in the configuration
     * @param warning what the administrator should know, empty when nothing
     */
    record Saved(String pid, MacAddress mac, boolean created, String generatedPassword, String warning) {
    }

    /** A request that cannot be saved; the message names the field. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    private final ConfigurationAdmin configAdmin;
    private final Supplier<String> passwords;

    Assignments(ConfigurationAdmin configAdmin, Supplier<String> passwords) {
        this.configAdmin = configAdmin;
        this.passwords = passwords;
    }

    /** Generated passwords from one {@link SecureRandom}. */
    static Supplier<String> generatedPasswords() {
        SecureRandom random = new SecureRandom();
        return () -> generatePassword(random);
    }

    /** 20 letters and digits without look-alikes (0/O, 1/l/I): about 115 bits, easy to type on a keypad. */
    static String generatePassword(SecureRandom random) {
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = PASSWORD_LETTERS[random.nextInt(PASSWORD_LETTERS.length)];
        }
        return new String(out);
    }

    /** Every assignment by MAC (ordered); a configuration whose {@code mac} cannot be read is left out. */
    Map<MacAddress, Current> all() throws IOException {
        Map<MacAddress, Current> out = new TreeMap<>();
        for (Configuration c : configurations()) {
            Dictionary<String, Object> p = c.getProperties();
            if (p == null) {
                continue;
            }
            Optional<MacAddress> mac = MacAddress.parse(text(p, MAC));
            if (mac.isEmpty()) {
                continue;
            }
            out.putIfAbsent(mac.get(), new Current(c.getPid(), mac.get(), text(p, EXTENSION), text(p, DISPLAY_NAME),
                    text(p, SIP_USER_ID), text(p, AUTH_ID), list(p.get(CODECS)), list(p.get(LINE_KEYS)), fileName(p)));
        }
        return out;
    }

    /**
     * Creates or updates the phone's configuration. Keys the console does not edit ({@code sipServer},
     * {@code sipPort}, {@code voicemail}, {@code overrides}) are kept. Without a password in the
     * request, an assigned phone keeps its own and a new one gets a generated one.
     *
     * @throws Rejected when a field is invalid or the extension belongs to another phone
     */
    synchronized Saved assign(Request r) throws Rejected, IOException {
        return assign(r, new Index());
    }

    /**
     * Assigns many phones, reading the stored assignments once (a bulk import would otherwise read all
     * of them for every line). Each element of the answer is a {@link Saved} or a {@link Rejected}.
     */
    synchronized List<Object> assignAll(List<Request> requests) throws IOException {
        Index index = new Index();
        List<Object> results = new ArrayList<>(requests.size());
        for (Request r : requests) {
            try {
                results.add(assign(r, index));
            } catch (Rejected e) {
                results.add(e);
            }
        }
        return results;
    }

    /** The stored assignments, read once: each phone's configuration and which phones hold an extension. */
    private final class Index {
        final Map<MacAddress, Configuration> byMac = new HashMap<>();
        final Map<String, Set<MacAddress>> byExtension = new HashMap<>();

        Index() throws IOException {
            for (Configuration c : configurations()) {
                Dictionary<String, Object> p = c.getProperties();
                Optional<MacAddress> mac = p == null ? Optional.empty() : MacAddress.parse(text(p, MAC));
                if (mac.isPresent()) {
                    byMac.putIfAbsent(mac.get(), c);
                    holds(text(p, EXTENSION), mac.get());
                }
            }
        }

        void holds(String extension, MacAddress mac) {
            byExtension.computeIfAbsent(extension, e -> new HashSet<>()).add(mac);
        }

        void releases(String extension, MacAddress mac) {
            Set<MacAddress> holders = byExtension.get(extension);
            if (holders != null) {
                holders.remove(mac);
            }
        }

        Optional<MacAddress> otherHolder(String extension, MacAddress mac) {
            return byExtension.getOrDefault(extension, Set.of()).stream().filter(m -> !m.equals(mac))
                    .findFirst();
        }
    }

    private Saved assign(Request r, Index index) throws Rejected, IOException {
        validate(r);
        Optional<MacAddress> holder = index.otherHolder(r.extension(), r.mac());
        if (holder.isPresent()) {
            throw new Rejected("extension " + r.extension() + " is already assigned to " + holder.get().colonSeparated());
        }
        Configuration existing = index.byMac.get(r.mac());
        boolean created = existing == null;
        Configuration config = created
                ? configAdmin.getFactoryConfiguration(Assignment.FACTORY_PID, r.mac().value(), "?")
                : existing;
        Dictionary<String, Object> props = created || config.getProperties() == null ? new Hashtable<>()
                : config.getProperties();
        String oldExtension = text(props, EXTENSION);
        String generated = "";
        String password = r.password();
        if (password.isEmpty()) {
            password = text(props, PASSWORD);
        }
        if (password.isEmpty()) {
            generated = passwords.get();
            password = generated;
        }
        props.put(MAC, r.mac().value());
        props.put(EXTENSION, r.extension());
        props.put(PASSWORD, password);
        putOrRemove(props, DISPLAY_NAME, r.displayName());
        putOrRemove(props, SIP_USER_ID, r.sipUserId());
        putOrRemove(props, AUTH_ID, r.authId());
        List<String> codecs = r.codecs().stream().map(c -> c.strip().toUpperCase(Locale.ROOT)).toList();
        putOrRemove(props, CODECS, codecs);
        putOrRemove(props, LINE_KEYS, r.lineKeys().stream().map(String::strip).toList());
        String file = fileName(props);
        config.update(props);
        index.releases(oldExtension, r.mac());
        index.holds(r.extension(), r.mac());
        index.byMac.put(r.mac(), config);
        String warning = file.isEmpty() ? ""
                : "this assignment comes from " + file + ", which was not changed: edit the file too, or the file's "
                        + "values return at the next start";
        return new Saved(config.getPid(), r.mac(), created, generated, warning);
    }

    /**
     * Deletes the phone's configurations, and the {@code deploy/} files they came from (otherwise
     * FileInstall would bring them back at the next start).
     *
     * @return what was removed, for the answer; empty when the phone had no assignment
     */
    synchronized List<String> unassign(MacAddress mac) throws IOException {
        List<String> removed = new ArrayList<>();
        for (Configuration c : configurations()) {
            Dictionary<String, Object> p = c.getProperties();
            if (p == null || !MacAddress.parse(text(p, MAC)).equals(Optional.of(mac))) {
                continue;
            }
            String file = fileName(p);
            c.delete();
            removed.add(c.getPid());
            if (!file.isEmpty()) {
                Files.deleteIfExists(Path.of(file));
                removed.add(file);
            }
        }
        return removed;
    }

    static void validate(Request r) throws Rejected {
        if (r.extension().isEmpty()) {
            throw new Rejected("extension: required");
        }
        if (r.extension().length() > 64 || !r.extension().matches("[^\\s,;\"'<>]+")) {
            throw new Rejected("extension: '" + r.extension() + "' must be one word (no blanks, commas, quotes)");
        }
        if (!r.password().isEmpty() && (r.password().length() < 8 || r.password().strip().length() != r.password().length())) {
            throw new Rejected("password: at least 8 characters, no leading or trailing blanks (or leave it empty to "
                    + "generate one)");
        }
        for (String codec : r.codecs()) {
            if (!CODEC.matcher(codec.strip()).matches()) {
                throw new Rejected("codecs: '" + codec + "' is not a codec name (e.g. PCMU, PCMA, G722, OPUS)");
            }
        }
        for (String key : r.lineKeys()) {
            String[] parts = key.strip().split(":", 4);
            if (parts.length < 3) {
                throw new Rejected("line keys: '" + key + "' is not position:blf|speed:value[:label]");
            }
            try {
                if (Integer.parseInt(parts[0].strip()) < 1) {
                    throw new Rejected("line keys: position in '" + key + "' must be 1 or more");
                }
            } catch (NumberFormatException e) {
                throw new Rejected("line keys: position '" + parts[0] + "' is not a number");
            }
            String type = parts[1].strip().toLowerCase(Locale.ROOT);
            if (!type.equals("blf") && !type.equals("speed")) {
                throw new Rejected("line keys: type '" + parts[1] + "' is not blf or speed");
            }
            if (parts[2].isBlank()) {
                throw new Rejected("line keys: '" + key + "' has no number");
            }
        }
    }

    private List<Configuration> configurations() throws IOException {
        try {
            Configuration[] found = configAdmin.listConfigurations(
                    "(service.factoryPid=" + Assignment.FACTORY_PID + ")");
            return found == null ? List.of() : Arrays.asList(found);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("constant filter", e);
        }
    }

    private static void putOrRemove(Dictionary<String, Object> props, String key, String value) {
        if (value.isEmpty()) {
            props.remove(key);
        } else {
            props.put(key, value);
        }
    }

    private static void putOrRemove(Dictionary<String, Object> props, String key, List<String> value) {
        if (value.isEmpty()) {
            props.remove(key);
        } else {
            props.put(key, value.toArray(String[]::new));
        }
    }

    /** The file a FileInstall configuration came from, as a path; empty when none. */
    static String fileName(Dictionary<String, ?> props) {
        Object f = props.get(FILEINSTALL_FILENAME);
        if (f == null) {
            return "";
        }
        String s = f.toString();
        try {
            return s.startsWith("file:") ? Path.of(URI.create(s)).toString() : s;
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    static String text(Dictionary<String, ?> props, String key) {
        Object v = props.get(key);
        if (v instanceof String[] a) {
            return a.length == 0 ? "" : a[0].strip();
        }
        return v == null ? "" : v.toString().strip();
    }

    static List<String> list(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String[] a) {
            out.addAll(Arrays.asList(a));
        } else if (v instanceof Collection<?> c) {
            c.forEach(o -> out.add(String.valueOf(o)));
        } else if (v != null && !v.toString().isBlank()) {
            out.addAll(Arrays.asList(v.toString().split(",")));
        }
        return out.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
