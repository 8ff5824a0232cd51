package pnp.vendor.grandstream.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import pnp.api.Assignment;
import pnp.api.LineKey;
import pnp.api.RenderRequest;

/**
 * Computes the P-values of one phone: the model both files are made from. The order is fixed (account,
 * vocoders, keys, provisioning, preferences, overrides in numeric order), so the same request always
 * gives the same sequence. P-numbers and their ranges are those of Grandstream's GXP2130/2140/2160
 * configuration template, firmware 1.0.11.16.
 *
 * <p>Every value is cleaned of control characters (tab excepted) here; escaping for the file syntax
 * is left to the writers (XML output format, URL encoding).
 */
final class PValues {

    /** An override key: a P-number without leading zeros, so {@code P047} cannot shadow {@code P47}. */
    static final Pattern NAME = Pattern.compile("P[1-9][0-9]{0,5}");
    static final int DEFAULT_SIP_PORT = 5060;
    /** Vocoder choices 1..8. */
    static final List<String> VOCODER_SLOTS = List.of("P57", "P58", "P59", "P60", "P61", "P62", "P46", "P98");
    /**
     * Multi-purpose keys 1..24 (GXP2130: 1..8, GXP2160: 1..24): mode, account, name, value.
     */
    static final int[][] MPK = {
            {323, 301, 302, 303}, {324, 304, 305, 306}, {325, 307, 308, 309}, {326, 310, 311, 312},
            {327, 313, 314, 315}, {328, 316, 317, 318}, {329, 319, 320, 321}, {353, 354, 355, 356},
            {357, 358, 359, 360}, {361, 362, 363, 364}, {365, 366, 367, 368}, {369, 370, 371, 372},
            {373, 374, 375, 376}, {377, 378, 379, 380}, {381, 382, 383, 384}, {385, 386, 387, 388},
            {389, 390, 391, 392}, {393, 394, 395, 396}, {1440, 1441, 1442, 1443}, {1444, 1445, 1446, 1447},
            {1448, 1449, 1450, 1451}, {1452, 1453, 1454, 1455}, {1456, 1457, 1458, 1459}, {1460, 1461, 1462, 1463},
    };
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
    private static final Pattern ADMIN_PASSWORD = Pattern.compile("[A-Za-z0-9]+");
    private static final Map<String, String> VOCODERS = Map.ofEntries(
            Map.entry("PCMU", "0"), Map.entry("ULAW", "0"), Map.entry("G711U", "0"),
            Map.entry("PCMA", "8"), Map.entry("ALAW", "8"), Map.entry("G711A", "8"),
            Map.entry("G722", "9"),
            Map.entry("G729", "18"), Map.entry("G729A", "18"), Map.entry("G729AB", "18"),
            Map.entry("G72632", "2"),
            Map.entry("G723", "4"), Map.entry("G7231", "4"),
            Map.entry("ILBC", "98"),
            Map.entry("OPUS", "123"));

    private PValues() {
    }

    /**
     * The phone's P-values in file order.
     *
     * @throws IllegalArgumentException for an unknown codec, more than eight codecs, a key position
     *         without P-values or used twice, an override key that is not a P-number, or an admin
     *         password the phone does not accept
     */
    static Map<String, String> of(RenderRequest request, ProfileSettings settings) {
        Assignment a = request.assignment();
        Map<String, String> v = new LinkedHashMap<>();
        String displayName = clean(a.displayName());

        put(v, "P271", "1");
        put(v, "P270", displayName.isBlank() ? a.extension() : displayName);
        put(v, "P47", sipServer(request, settings));
        put(v, "P35", a.sipUserId());
        put(v, "P36", a.authId());
        put(v, "P34", a.password());
        put(v, "P3", displayName);
        put(v, "P33", a.voicemail());
        vocoders(v, a.codecs().isEmpty() ? settings.codecs() : a.codecs());
        keys(v, a.lineKeys());

        boolean https = settings.httpsProvisioning() || request.httpBase().regionMatches(true, 0, "https:", 0, 6);
        put(v, "P212", https ? "2" : "1");
        put(v, "P237", serverPath(request.httpBase()));
        putIfSet(v, "P1360", request.httpUser());
        putIfSet(v, "P1361", request.httpPassword());
        if (!settings.firmwareServer().isEmpty()) {
            put(v, "P6767", via(settings.firmwareServer()));
            put(v, "P192", serverPath(settings.firmwareServer()));
        }
        put(v, "P1414", "1");
        if (settings.periodicCheckMinutes() > 0) {
            put(v, "P194", "1");
            put(v, "P193", Integer.toString(settings.periodicCheckMinutes()));
        }
        putIfSet(v, "P64", settings.timeZone());
        putIfSet(v, "P30", settings.ntpServer());
        putIfSet(v, "P1362", settings.language());
        if (!settings.adminPassword().isEmpty()) {
            if (!ADMIN_PASSWORD.matcher(settings.adminPassword()).matches()) {
                throw new IllegalArgumentException("the Grandstream admin password (P2) may hold only a-z, A-Z and 0-9");
            }
            put(v, "P2", settings.adminPassword());
        }
        overrides(v, a.overrides());
        return Collections.unmodifiableMap(v);
    }

    /** The values as a list of {@code name}/{@code value} maps, the shape templates loop over. */
    static List<Map<String, String>> asEntries(Map<String, String> values) {
        List<Map<String, String>> entries = new ArrayList<>(values.size());
        values.forEach((name, value) -> entries.add(Map.of("name", name, "value", value)));
        return List.copyOf(entries);
    }

    /**
     * Removes what no file syntax can carry safely: control characters other than tab, DEL, C1
     * controls, unpaired surrogates and the non-characters U+FFFE/U+FFFF.
     */
    static String clean(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints()
                .filter(cp -> !((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f)
                        || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff))
                .forEach(b::appendCodePoint);
        return b.toString();
    }

    /** A server URL without its scheme and trailing slashes, the form of P237/P192 ({@code fm.grandstream.com/gs}). */
    static String serverPath(String url) {
        String path = SCHEME.matcher(url).replaceFirst("");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    /** P6767 firmware upgrade via: 0 TFTP, 1 HTTP, 2 HTTPS, 3 FTP, 4 FTPS; HTTP without a scheme. */
    private static String via(String url) {
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "http";
        return switch (scheme) {
            case "tftp" -> "0";
            case "http" -> "1";
            case "https" -> "2";
            case "ftp" -> "3";
            case "ftps" -> "4";
            default -> throw new IllegalArgumentException(
                    "firmware server scheme " + scheme + " is not one of tftp, http, https, ftp, ftps");
        };
    }

    private static String sipServer(RenderRequest request, ProfileSettings settings) {
        Assignment a = request.assignment();
        String host = !a.sipServer().isBlank() ? a.sipServer().trim()
                : !settings.sipServer().isEmpty() ? settings.sipServer() : request.serverHost();
        int port = a.sipPort() != 0 ? a.sipPort() : settings.sipPort();
        long colons = host.chars().filter(c -> c == ':').count();
        boolean hasPort = host.startsWith("[") ? host.contains("]:") : colons == 1;
        if (port == DEFAULT_SIP_PORT || hasPort) {
            return host;
        }
        if (colons > 1 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host + ":" + port;
    }

    /** Vocoder choices in order; slots after the last codec repeat it, since no choice means "none". */
    private static void vocoders(Map<String, String> v, List<String> codecs) {
        if (codecs.isEmpty()) {
            return;
        }
        if (codecs.size() > VOCODER_SLOTS.size()) {
            throw new IllegalArgumentException("Grandstream phones take at most " + VOCODER_SLOTS.size()
                    + " codecs, the assignment has " + codecs.size() + ": " + codecs);
        }
        String code = null;
        for (int i = 0; i < VOCODER_SLOTS.size(); i++) {
            if (i < codecs.size()) {
                code = vocoder(codecs.get(i));
            }
            put(v, VOCODER_SLOTS.get(i), code);
        }
    }

    private static String vocoder(String codec) {
        String key = codec.toUpperCase(Locale.ROOT).replaceAll("[\\s._/-]", "");
        String code = VOCODERS.get(key);
        if (code == null) {
            throw new IllegalArgumentException("codec '" + clean(codec)
                    + "' is unknown to Grandstream phones; use PCMU, PCMA, G722, G729, G726-32, G723, ILBC or OPUS");
        }
        return code;
    }

    private static void keys(Map<String, String> v, List<LineKey> lineKeys) {
        List<LineKey> sorted = new ArrayList<>(lineKeys);
        sorted.sort(Comparator.comparingInt(LineKey::position));
        int previous = 0;
        for (LineKey key : sorted) {
            if (key.position() == previous) {
                throw new IllegalArgumentException("line key " + key.position() + " is assigned twice");
            }
            if (key.position() > MPK.length) {
                throw new IllegalArgumentException("line key " + key.position()
                        + " has no Grandstream multi-purpose key: the GXP2130 has 8, the GXP2160 " + MPK.length);
            }
            previous = key.position();
            int[] p = MPK[key.position() - 1];
            put(v, "P" + p[0], key.type() == LineKey.Type.BLF ? "1" : "0");
            put(v, "P" + p[1], "0");
            put(v, "P" + p[2], key.label());
            put(v, "P" + p[3], key.value());
        }
    }

    private static void overrides(Map<String, String> v, Map<String, String> overrides) {
        Map<Integer, String> byNumber = new TreeMap<>();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("override '" + clean(e.getKey())
                        + "' is not a Grandstream P-value: expected P followed by its number, e.g. P64");
            }
            byNumber.put(Integer.valueOf(e.getKey().substring(1)), e.getValue());
        }
        byNumber.forEach((number, value) -> put(v, "P" + number, value));
    }

    private static void putIfSet(Map<String, String> v, String name, String value) {
        if (!value.isEmpty()) {
            put(v, name, value);
        }
    }

    private static void put(Map<String, String> v, String name, String value) {
        v.put(name, clean(value == null ? "" : value));
    }
}
