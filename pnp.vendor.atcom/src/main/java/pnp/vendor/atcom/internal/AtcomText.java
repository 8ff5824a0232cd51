package pnp.vendor.atcom.internal;

/**
 * Makes text safe for ATCOM's line-based {@code Key :value} format.
 *
 * <p>A line is one setting; the key ends at the first {@code ':'} and the value runs to the end of
 * the line. So a value cannot start a line or a section, and a {@code ':'} inside a value is kept
 * (passwords may contain one). What must never reach the file is a character that ends a line or
 * that a parser might treat as one: all control characters (CR, LF, TAB, NUL, C1 controls including
 * NEL), Unicode line and paragraph separators, invisible format characters and unpaired surrogates
 * are dropped. Keys and section names (which only come from templates and administrator overrides)
 * additionally lose {@code ':'}, {@code '<'} and {@code '>'} so they cannot move the separator or
 * open a section.
 *
 * <p>Stateless and thread-safe.
 */
final class AtcomText {

    private AtcomText() {
    }

    /** The value with every character dropped that could end a line; never {@code null}. */
    static String value(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().filter(AtcomText::printable).forEach(b::appendCodePoint);
        return b.toString();
    }

    /** A key or section name: a {@link #value} without separators, trimmed. */
    static String key(String text) {
        StringBuilder b = new StringBuilder();
        value(text).codePoints().filter(c -> c != ':' && c != '<' && c != '>').forEach(b::appendCodePoint);
        return b.toString().strip();
    }

    private static boolean printable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> false;
            default -> true;
        };
    }
}
