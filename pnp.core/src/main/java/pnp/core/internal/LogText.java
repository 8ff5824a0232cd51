package pnp.core.internal;

/**
 * Phone-supplied text made safe for a log line: vendor, model, firmware, User-Agent, file names and
 * addresses come off the network, and a raw ESC, NUL, BS or CR in them would rewrite an admin's
 * terminal or forge a log line. Control characters (below 0x20, 0x7F, 0x80-0x9F) become {@code \xNN};
 * a backslash is doubled so an escape cannot be faked; the text is cut at {@value #MAX_CHARS} characters.
 */
final class LogText {

    static final int MAX_CHARS = 200;

    private LogText() {
    }

    /** The text escaped and capped; {@code null} stays {@code "null"}. */
    static String of(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = null;
        int end = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
            if (out == null && (control || c == '\\')) {
                out = new StringBuilder(end + 16).append(s, 0, i);
            }
            if (out == null) {
                continue;
            }
            if (control) {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            } else if (c == '\\') {
                out.append("\\\\");
            } else {
                out.append(c);
            }
        }
        String escaped = out == null ? s.substring(0, end) : out.toString();
        return s.length() > MAX_CHARS ? escaped + "…" : escaped;
    }
}
