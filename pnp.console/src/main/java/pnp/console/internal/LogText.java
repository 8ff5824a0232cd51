package pnp.console.internal;

/** Request text made safe for a log line or a plain-text answer. */
final class LogText {

    /** The longest escaped text kept; the rest is cut and marked. */
    static final int MAX_LENGTH = 160;

    private LogText() {
    }

    /**
     * Printable ASCII is kept (a backslash doubled); anything else, control characters and terminal escapes
     * included, becomes a backslash escape: {@code x} and two hex digits, or {@code u} and four; text longer
     * than {@value #MAX_LENGTH} characters is cut and ends in {@code ...}. {@code null} gives {@code (none)}.
     */
    static String escape(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (b.length() >= MAX_LENGTH) {
                return b.append("...").toString();
            }
            char c = text.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }
}
