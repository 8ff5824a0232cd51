package pnp.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one definition of the keys of a {@value Assignment#FACTORY_PID} factory configuration
 * ({@code deploy/pnp.phone-<name>.cfg}, the console's assignments, zero-touch ones): their names,
 * reading them into an {@link Assignment} with errors that name the offending key, and writing an
 * {@link Assignment} back as properties.
 *
 * <p>Keys: {@code mac}, {@code extension}, {@code password} (required); {@code displayName},
 * {@code sipUserId}, {@code authId}, {@code sipServer}, {@code sipPort}, {@code voicemail},
 * {@code codecs} (comma-separated or an array), {@code lineKeys} (entries
 * {@code position:blf|speed:value[:label]}), {@code overrides} (entries {@code name=value}).
 *
 * <p>Stateless and thread-safe.
 */
public final class AssignmentProperties {

    public static final String MAC = "mac";
    public static final String EXTENSION = "extension";
    public static final String PASSWORD = "password";
    public static final String DISPLAY_NAME = "displayName";
    public static final String SIP_USER_ID = "sipUserId";
    public static final String AUTH_ID = "authId";
    public static final String SIP_SERVER = "sipServer";
    public static final String SIP_PORT = "sipPort";
    public static final String VOICEMAIL = "voicemail";
    public static final String CODECS = "codecs";
    public static final String LINE_KEYS = "lineKeys";
    public static final String OVERRIDES = "overrides";

    /** Every key above. */
    public static final Set<String> KEYS = Set.of(MAC, EXTENSION, PASSWORD, DISPLAY_NAME, SIP_USER_ID, AUTH_ID,
            SIP_SERVER, SIP_PORT, VOICEMAIL, CODECS, LINE_KEYS, OVERRIDES);

    /** An assignment that cannot be read; the message names the key at fault. */
    public static final class InvalidAssignmentException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidAssignmentException(String message) {
            super(message);
        }
    }

    private AssignmentProperties() {
    }

    /**
     * Reads the assignment from a configuration's properties; values may be strings (as in a {@code .cfg}
     * file), string arrays or collections.
     */
    public static Assignment parse(Dictionary<String, ?> props) throws InvalidAssignmentException {
        String macText = text(props, MAC);
        if (macText.isEmpty()) {
            throw new InvalidAssignmentException("key 'mac' is missing");
        }
        MacAddress mac = MacAddress.parse(macText).orElseThrow(
                () -> new InvalidAssignmentException("key 'mac': '" + macText + "' is not a MAC address"));
        String extension = text(props, EXTENSION);
        if (extension.isEmpty()) {
            throw new InvalidAssignmentException("key 'extension' is missing");
        }
        String password = text(props, PASSWORD);
        if (password.isEmpty()) {
            throw new InvalidAssignmentException("key 'password' is missing (there is no default SIP password)");
        }
        int port;
        String portText = text(props, SIP_PORT);
        try {
            port = portText.isEmpty() ? 0 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new InvalidAssignmentException("key 'sipPort': '" + portText + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidAssignmentException("key 'sipPort': " + port + " is not a port (1-65535)");
        }
        List<LineKey> keys = new ArrayList<>();
        for (String entry : list(props, LINE_KEYS)) {
            keys.add(lineKey(entry));
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String entry : list(props, OVERRIDES)) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new InvalidAssignmentException("key 'overrides': '" + entry + "' is not name=value");
            }
            overrides.put(entry.substring(0, eq).trim(), entry.substring(eq + 1));
        }
        List<String> codecs = list(props, CODECS).stream().map(c -> c.trim().toUpperCase(Locale.ROOT)).toList();
        return new Assignment(mac, extension, text(props, SIP_USER_ID), text(props, AUTH_ID), password,
                text(props, DISPLAY_NAME), text(props, SIP_SERVER), port, text(props, VOICEMAIL), codecs, keys,
                overrides);
    }

    /** Keys that are neither ours nor the framework's ({@code service.*}, {@code felix.*}, ...): probably typos. */
    public static List<String> unknownKeys(Dictionary<String, ?> props) {
        List<String> unknown = new ArrayList<>();
        for (String key : Collections.list(props.keys())) {
            if (!KEYS.contains(key) && !key.startsWith("service.") && !key.startsWith("felix.")
                    && !key.startsWith("component.") && !key.startsWith(":")) {
                unknown.add(key);
            }
        }
        unknown.sort(null);
        return unknown;
    }

    /**
     * The assignment as configuration properties that {@link #parse} reads back to an equal assignment.
     * Optional keys with their default (empty, 0) are left out; lists are string arrays.
     */
    public static Hashtable<String, Object> toProperties(Assignment a) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(MAC, a.mac().value());
        p.put(EXTENSION, a.extension());
        p.put(PASSWORD, a.password());
        putIfNotEmpty(p, DISPLAY_NAME, a.displayName());
        if (!a.sipUserId().equals(a.extension())) {
            p.put(SIP_USER_ID, a.sipUserId());
        }
        if (!a.authId().equals(a.sipUserId())) {
            p.put(AUTH_ID, a.authId());
        }
        putIfNotEmpty(p, SIP_SERVER, a.sipServer());
        if (a.sipPort() != 0) {
            p.put(SIP_PORT, a.sipPort());
        }
        putIfNotEmpty(p, VOICEMAIL, a.voicemail());
        putIfNotEmpty(p, CODECS, a.codecs());
        putIfNotEmpty(p, LINE_KEYS, a.lineKeys().stream().map(AssignmentProperties::lineKeyText).toList());
        putIfNotEmpty(p, OVERRIDES, a.overrides().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .sorted().toList());
        return p;
    }

    /** A line key as {@code lineKeys} holds it: {@code position:blf|speed:value[:label]}. */
    public static String lineKeyText(LineKey k) {
        String type = k.type() == LineKey.Type.BLF ? "blf" : "speed";
        return k.position() + ":" + type + ":" + k.value() + (k.label().isEmpty() ? "" : ":" + k.label());
    }

    private static void putIfNotEmpty(Hashtable<String, Object> p, String key, String value) {
        if (!value.isEmpty()) {
            p.put(key, value);
        }
    }

    private static void putIfNotEmpty(Hashtable<String, Object> p, String key, List<String> value) {
        if (!value.isEmpty()) {
            p.put(key, value.toArray(String[]::new));
        }
    }

    private static LineKey lineKey(String entry) throws InvalidAssignmentException {
        String[] parts = entry.split(":", 4);
        if (parts.length < 3) {
            throw new InvalidAssignmentException(
                    "key 'lineKeys': '" + entry + "' is not position:blf|speed:value[:label]");
        }
        int position;
        try {
            position = Integer.parseInt(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new InvalidAssignmentException("key 'lineKeys': position '" + parts[0] + "' is not a number");
        }
        LineKey.Type type = switch (parts[1].trim().toLowerCase(Locale.ROOT)) {
            case "blf" -> LineKey.Type.BLF;
            case "speed", "speeddial", "speed_dial" -> LineKey.Type.SPEED_DIAL;
            default -> throw new InvalidAssignmentException(
                    "key 'lineKeys': type '" + parts[1] + "' is not blf or speed");
        };
        try {
            return new LineKey(position, type, parts[2].trim(), parts.length > 3 ? parts[3] : "");
        } catch (IllegalArgumentException e) {
            throw new InvalidAssignmentException("key 'lineKeys': " + e.getMessage());
        }
    }

    private static String text(Dictionary<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null) {
            return "";
        }
        if (v instanceof String[] a) {
            return a.length == 0 ? "" : a[0].trim();
        }
        return v.toString().trim();
    }

    private static List<String> list(Dictionary<String, ?> props, String key) {
        Object v = props.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof String[] a) {
            for (String s : a) {
                addSplit(out, s, key);
            }
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) {
                addSplit(out, String.valueOf(o), key);
            }
        } else if (v != null) {
            addSplit(out, v.toString(), key);
        }
        return out;
    }

    private static void addSplit(List<String> out, String value, String key) {
        // overrides and line keys may hold commas inside labels/values only in array form
        if (value.isBlank()) {
            return;
        }
        if (CODECS.equals(key) || (LINE_KEYS.equals(key) && value.contains(","))) {
            for (String s : value.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        } else {
            out.add(value.trim());
        }
    }
}
