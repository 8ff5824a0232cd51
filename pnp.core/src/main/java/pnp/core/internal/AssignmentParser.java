package pnp.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import pnp.api.Assignment;
import pnp.api.LineKey;
import pnp.api.MacAddress;

/**
 * Reads an assignment from the properties of a {@code pnp.phone} factory configuration, with errors
 * that name the offending key so an administrator can fix the {@code .cfg} file.
 *
 * <p>Keys: {@code mac}, {@code extension}, {@code password} (required); {@code displayName},
 * {@code sipUserId}, {@code authId}, {@code sipServer}, {@code sipPort}, {@code voicemail},
 * {@code codecs} (comma-separated or an array), {@code lineKeys} (entries
 * {@code position:blf|speed:value[:label]}), {@code overrides} (entries {@code name=value}).
 */
final class AssignmentParser {

    static final Set<String> KEYS = Set.of("mac", "extension", "password", "displayName", "sipUserId", "authId",
            "sipServer", "sipPort", "voicemail", "codecs", "lineKeys", "overrides");

    /** Thrown with a message that names the key at fault. */
    static final class InvalidAssignment extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidAssignment(String message) {
            super(message);
        }
    }

    private AssignmentParser() {
    }

    static Assignment parse(Dictionary<String, ?> props) throws InvalidAssignment {
        String macText = text(props, "mac");
        if (macText.isEmpty()) {
            throw new InvalidAssignment("key 'mac' is missing");
        }
        MacAddress mac = MacAddress.parse(macText)
                .orElseThrow(() -> new InvalidAssignment("key 'mac': '" + macText + "' is not a MAC address"));
        String extension = text(props, "extension");
        if (extension.isEmpty()) {
            throw new InvalidAssignment("key 'extension' is missing");
        }
        String password = text(props, "password");
        if (password.isEmpty()) {
            throw new InvalidAssignment("key 'password' is missing (there is no default SIP password)");
        }
        int port;
        String portText = text(props, "sipPort");
        try {
            port = portText.isEmpty() ? 0 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new InvalidAssignment("key 'sipPort': '" + portText + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidAssignment("key 'sipPort': " + port + " is not a port (1-65535)");
        }
        List<LineKey> keys = new ArrayList<>();
        for (String entry : list(props, "lineKeys")) {
            keys.add(lineKey(entry));
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String entry : list(props, "overrides")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new InvalidAssignment("key 'overrides': '" + entry + "' is not name=value");
            }
            overrides.put(entry.substring(0, eq).trim(), entry.substring(eq + 1));
        }
        List<String> codecs = list(props, "codecs").stream().map(c -> c.trim().toUpperCase(Locale.ROOT)).toList();
        return new Assignment(mac, extension, text(props, "sipUserId"), text(props, "authId"), password,
                text(props, "displayName"), text(props, "sipServer"), port, text(props, "voicemail"), codecs, keys,
                overrides);
    }

    /** Keys that are neither ours nor the framework's: probably typos. */
    static List<String> unknownKeys(Dictionary<String, ?> props) {
        List<String> unknown = new ArrayList<>();
        for (Enumeration<String> e = props.keys(); e.hasMoreElements();) {
            String key = e.nextElement();
            if (!KEYS.contains(key) && !key.startsWith("service.") && !key.startsWith("felix.")
                    && !key.startsWith("component.") && !key.startsWith(":")) {
                unknown.add(key);
            }
        }
        unknown.sort(null);
        return unknown;
    }

    private static LineKey lineKey(String entry) throws InvalidAssignment {
        String[] parts = entry.split(":", 4);
        if (parts.length < 3) {
            throw new InvalidAssignment("key 'lineKeys': '" + entry + "' is not position:blf|speed:value[:label]");
        }
        int position;
        try {
            position = Integer.parseInt(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new InvalidAssignment("key 'lineKeys': position '" + parts[0] + "' is not a number");
        }
        LineKey.Type type = switch (parts[1].trim().toLowerCase(Locale.ROOT)) {
            case "blf" -> LineKey.Type.BLF;
            case "speed", "speeddial", "speed_dial" -> LineKey.Type.SPEED_DIAL;
            default -> throw new InvalidAssignment("key 'lineKeys': type '" + parts[1] + "' is not blf or speed");
        };
        try {
            return new LineKey(position, type, parts[2].trim(), parts.length > 3 ? parts[3] : "");
        } catch (IllegalArgumentException e) {
            throw new InvalidAssignment("key 'lineKeys': " + e.getMessage());
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
        if ("codecs".equals(key) || ("lineKeys".equals(key) && value.contains(","))) {
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
