package pnp.vendor.yealink.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import pnp.api.Assignment;
import pnp.api.LineKey;
import pnp.api.MacAddress;
import pnp.api.RenderRequest;

/**
 * A phone's Yealink auto-provisioning file: {@code #!version:1.0.0.1} on the first line, then one
 * {@code key = value} per line.
 *
 * <p>A line is one setting, so no value may end a line: every control character (CR, LF, TAB, NUL,
 * C1 controls including NEL), Unicode line and paragraph separator, invisible format character and
 * unpaired surrogate is dropped from values ({@link #value}). Keys are this class's own, or an
 * assignment's overrides, which must look like Yealink keys ({@link #key}).
 *
 * <p>Stateless and thread-safe.
 */
final class YealinkFile {

    /** The first line: Yealink phones ignore a file that does not start with it. */
    static final String HEADER = "#!version:1.0.0.1";
    /** Line key types: 13 speed dial, 16 BLF. */
    static final String SPEED_DIAL = "13";
    static final String BLF = "16";

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    /** Codec names as assignments write them (upper case, without blanks, dots, dashes, underscores) to Yealink's. */
    private static final Map<String, String> CODECS = codecs();

    private YealinkFile() {
    }

    private static Map<String, String> codecs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PCMU", "pcmu");
        m.put("PCMA", "pcma");
        m.put("G722", "g722");
        m.put("G729", "g729");
        m.put("G72632", "g726_32");
        m.put("OPUS", "opus");
        return m;
    }

    /** The file's name: the MAC in lower case, {@code .cfg}, e.g. {@code 001565f4f9e1.cfg}. */
    static String name(MacAddress mac) {
        return mac.value() + ".cfg";
    }

    /**
     * The settings of one phone, in file order: account, voicemail, codecs, line keys, provisioning
     * server, periodic check, resync reboot rule, then the assignment's overrides (a key already written takes the override's value in
     * its place; new keys are appended in key order). Values are cleaned with {@link #value}.
     *
     * @throws IllegalArgumentException for a codec Yealink has no key for, a line key position used
     *         twice, or an override key that is not a Yealink key
     */
    static Map<String, String> values(RenderRequest request, YealinkSettings settings) {
        Assignment a = request.assignment();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("account.1.enable", "1");
        v.put("account.1.label", a.displayName().isEmpty() ? a.extension() : a.displayName());
        v.put("account.1.display_name", a.displayName());
        v.put("account.1.auth_name", a.authId());
        v.put("account.1.user_name", a.sipUserId());
        v.put("account.1.password", a.password());
        String server = !a.sipServer().isBlank() ? a.sipServer().strip()
                : !settings.sipServer().isEmpty() ? settings.sipServer() : request.serverHost();
        v.put("account.1.sip_server.1.address", server);
        v.put("account.1.sip_server.1.port", Integer.toString(a.sipPort() > 0 ? a.sipPort() : settings.sipPort()));
        if (!a.voicemail().isBlank()) {
            v.put("voice_mail.number.1", a.voicemail());
        }
        codecs(v, a.codecs().isEmpty() ? settings.codecs() : a.codecs());
        lineKeys(v, a.lineKeys());
        String folder = request.httpBase().endsWith("/") ? request.httpBase() : request.httpBase() + "/";
        v.put("static.auto_provision.server.url", folder);
        if (!request.httpUser().isEmpty()) {
            v.put("static.auto_provision.server.username", request.httpUser());
            v.put("static.auto_provision.server.password", request.httpPassword());
        }
        if (settings.periodicCheckMinutes() > 0) {
            v.put("static.auto_provision.repeat.enable", "1");
            v.put("static.auto_provision.repeat.minutes", Integer.toString(settings.periodicCheckMinutes()));
        }
        // The factory value 1 reboots on every check-sync; 0 reboots only when the NOTIFY says
        // reboot=true, so the resync event's reboot parameter is what happens.
        v.put("sip.notify_reboot_enable", "0");
        List<String> overrides = new ArrayList<>(a.overrides().keySet());
        overrides.sort(Comparator.naturalOrder());
        for (String k : overrides) {
            v.put(key(k), a.overrides().get(k));
        }
        v.replaceAll((k, value) -> value(value));
        return v;
    }

    /** The file's text: the header line, then {@code key = value} lines, each ending in LF. */
    static String write(Map<String, String> values) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        values.forEach((k, value) -> out.append(k).append(" = ").append(value).append('\n'));
        return out.toString();
    }

    /**
     * Yealink's key part for a codec name as assignments write it ({@code PCMU}, {@code g722},
     * {@code G.729}, {@code G726-32}, {@code opus}): case, blanks, dots, dashes and underscores do not
     * matter.
     *
     * @throws IllegalArgumentException when this profile knows no key for it
     */
    static String codecKey(String codec) {
        String normal = codec.toUpperCase(Locale.ROOT).replaceAll("[\\s._-]", "");
        String key = CODECS.get(normal);
        if (key == null) {
            throw new IllegalArgumentException("codec '" + value(codec) + "' has no Yealink key; known: "
                    + String.join(", ", List.of("PCMU", "PCMA", "G722", "G729", "G726-32", "OPUS")));
        }
        return key;
    }

    /**
     * The codecs in order: {@code enable = 1} and {@code priority} 1, 2, … for each one named, then
     * {@code enable = 0} and {@code priority = 0} for every other codec this profile knows, so the
     * phone offers exactly these.
     */
    private static void codecs(Map<String, String> v, List<String> codecs) {
        if (codecs.isEmpty()) {
            return;
        }
        List<String> enabled = new ArrayList<>();
        for (String codec : codecs) {
            String key = codecKey(codec);
            if (!enabled.contains(key)) {
                enabled.add(key);
            }
        }
        for (int i = 0; i < enabled.size(); i++) {
            v.put("account.1.codec." + enabled.get(i) + ".enable", "1");
            v.put("account.1.codec." + enabled.get(i) + ".priority", Integer.toString(i + 1));
        }
        for (String key : CODECS.values()) {
            if (!enabled.contains(key)) {
                v.put("account.1.codec." + key + ".enable", "0");
                v.put("account.1.codec." + key + ".priority", "0");
            }
        }
    }

    /** Each line key by position, on account 1: type (13 speed dial, 16 BLF), value, label. */
    private static void lineKeys(Map<String, String> v, List<LineKey> keys) {
        List<LineKey> sorted = new ArrayList<>(keys);
        sorted.sort(Comparator.comparingInt(LineKey::position));
        Set<Integer> seen = new HashSet<>();
        for (LineKey k : sorted) {
            if (!seen.add(k.position())) {
                throw new IllegalArgumentException("line key position " + k.position() + " is used twice");
            }
            String prefix = "linekey." + k.position() + ".";
            v.put(prefix + "type", k.type() == LineKey.Type.BLF ? BLF : SPEED_DIAL);
            v.put(prefix + "line", "1");
            v.put(prefix + "value", k.value());
            v.put(prefix + "label", k.label());
        }
    }

    /** The value with every character dropped that could end a line or hide text; never {@code null}. */
    static String value(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().filter(YealinkFile::printable).forEach(b::appendCodePoint);
        return b.toString();
    }

    /**
     * An override key as given, when it looks like a Yealink key: a letter or digit, then letters,
     * digits, {@code _ . -}, at most 128 characters (e.g. {@code local_time.time_zone}).
     *
     * @throws IllegalArgumentException otherwise; the message shows the key without control characters
     */
    static String key(String text) {
        if (text == null || !KEY.matcher(text).matches()) {
            throw new IllegalArgumentException("override key '" + value(text)
                    + "' is not a Yealink key (letters, digits, _ . -; e.g. local_time.time_zone)");
        }
        return text;
    }

    private static boolean printable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> false;
            default -> true;
        };
    }
}
