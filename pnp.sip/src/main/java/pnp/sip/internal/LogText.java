package pnp.sip.internal;

/**
 * Text from the network made safe for one log line: control characters (below 0x20, 0x7F, 0x80-0x9F) as
 * {@code \xNN}, a backslash doubled, at most {@value #MAX} characters. A phone string in the log can then
 * neither forge lines nor drive the administrator's terminal.
 */
final class LogText {

    static final int MAX = 120;

    private LogText() {
    }

    static String of(String s) {
        return escaped(s, MAX, true);
    }

    /**
     * A phone's string as handed on (vendor, model, firmware, User-Agent): control characters escaped as in
     * the log, at most {@code max} characters, so that no reader downstream logs them raw.
     */
    static String field(String s, int max) {
        return escaped(s, max, false);
    }

    private static String escaped(String s, int max, boolean backslash) {
        if (s == null) {
            return "";
        }
        int n = Math.min(s.length(), max);
        int i = 0;
        while (i < n && safe(s.charAt(i), backslash)) {
            i++;
        }
        if (i == s.length() && s.length() <= max) {
            return s; // the usual case: nothing to copy
        }
        StringBuilder out = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (safe(c, backslash)) {
                out.append(c);
            } else if (c == '\\') {
                out.append("\\\\");
            } else {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        if (s.length() > n) {
            out.append("...(").append(s.length()).append(" chars)");
        }
        return out.toString();
    }

    private static boolean safe(char c, boolean backslash) {
        return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f) && (c != '\\' || !backslash);
    }
}
