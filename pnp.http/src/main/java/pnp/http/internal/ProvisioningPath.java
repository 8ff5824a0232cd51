package pnp.http.internal;

/**
 * The two segments of {@code /provisioning/<token>/<file>}, parsed strictly from the raw (still
 * percent-encoded) request path, before anything else looks at it.
 *
 * <p>Rules, in order:
 * <ol>
 * <li>longer than {@value #MAX_LENGTH} characters, any control character, DEL, backslash,
 * {@code ;}, non-ASCII character, broken or non-ASCII percent escape, or an escape that decodes to
 * {@code /}, {@code \}, {@code %} or a control character (NUL included), or any segment that is
 * {@code .} or {@code ..} (also when encoded): {@linkplain #MALFORMED malformed} (HTTP 400);</li>
 * <li>not below {@value #PREFIX}, not exactly two segments below it, an empty file name, or a token
 * that is not 16–64 of {@code [A-Za-z0-9_-]}: {@linkplain #UNKNOWN unknown} (HTTP 404).</li>
 * </ol>
 * The parser uses no regular expression and allocates only the two segment strings.
 *
 * <p>Threading: stateless, safe from any thread.
 */
final class ProvisioningPath {

    static final String PREFIX = "/provisioning/";
    static final int MAX_LENGTH = 512;
    static final int MIN_TOKEN = 16;
    static final int MAX_TOKEN = 64;

    /** The outcome for a path that is not well formed: answer 400. */
    static final Parsed MALFORMED = new Refused(400, "malformed path");
    /** The outcome for a well-formed path that cannot name a file: answer 404. */
    static final Parsed UNKNOWN = new Refused(404, "not /provisioning/<token>/<file>");

    /** What a raw path turned out to be. */
    sealed interface Parsed permits Requested, Refused {
    }

    /**
     * A well-formed request for a file.
     *
     * @param token the token segment, as sent (it has no escapes)
     * @param name the file name, percent-decoded; free of {@code /}, {@code \} and control characters
     */
    record Requested(String token, String name) implements Parsed {
    }

    /**
     * A path refused before any lookup.
     *
     * @param status the HTTP status to answer
     * @param reason for the log only
     */
    record Refused(int status, String reason) implements Parsed {
    }

    private ProvisioningPath() {
    }

    /**
     * Parses a raw request path (without query).
     *
     * @param raw the path as it came off the wire, may be {@code null}
     * @return never {@code null}
     */
    static Parsed parse(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH || raw.charAt(0) != '/') {
            return MALFORMED;
        }
        int length = raw.length();
        // every segment of the whole path, not only those below the prefix
        int start = 1;
        for (int i = 1; i <= length; i++) {
            char c = i < length ? raw.charAt(i) : '/';
            if (c == '/') {
                if (isDotSegment(raw, start, i)) {
                    return MALFORMED;
                }
                start = i + 1;
            } else if (c < 0x21 || c >= 0x7f || c == '\\' || c == ';') {
                return MALFORMED;
            } else if (c == '%') {
                int decoded = escape(raw, i);
                if (decoded < 0x21 || decoded >= 0x7f || decoded == '/' || decoded == '\\' || decoded == '%'
                        || decoded == ';') {
                    return MALFORMED;
                }
                i += 2;
            }
        }
        if (!raw.startsWith(PREFIX)) {
            return UNKNOWN;
        }
        int tokenEnd = raw.indexOf('/', PREFIX.length());
        if (tokenEnd < 0 || tokenEnd == length - 1 || raw.indexOf('/', tokenEnd + 1) >= 0) {
            return UNKNOWN;
        }
        if (!isToken(raw, PREFIX.length(), tokenEnd)) {
            return UNKNOWN;
        }
        String token = raw.substring(PREFIX.length(), tokenEnd);
        String name = decode(raw, tokenEnd + 1, length);
        return new Requested(token, name);
    }

    /** Whether {@code raw[from, to)} is {@code .} or {@code ..}, with any dot possibly written {@code %2e}. */
    private static boolean isDotSegment(String raw, int from, int to) {
        int dots = 0;
        int i = from;
        while (i < to) {
            if (raw.charAt(i) == '.') {
                i++;
            } else if (raw.charAt(i) == '%' && i + 2 < to && raw.charAt(i + 1) == '2'
                    && (raw.charAt(i + 2) == 'e' || raw.charAt(i + 2) == 'E')) {
                i += 3;
            } else {
                return false;
            }
            dots++;
        }
        return dots == 1 || dots == 2;
    }

    /** The byte value of the escape starting at {@code raw[at]} (a {@code %}), or -1 if broken. */
    private static int escape(String raw, int at) {
        if (at + 2 >= raw.length()) {
            return -1;
        }
        int hi = Character.digit(raw.charAt(at + 1), 16);
        int lo = Character.digit(raw.charAt(at + 2), 16);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static boolean isToken(String raw, int from, int to) {
        int n = to - from;
        if (n < MIN_TOKEN || n > MAX_TOKEN) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Decodes {@code raw[from, to)}; every escape in it was already checked to be printable ASCII. */
    private static String decode(String raw, int from, int to) {
        if (raw.indexOf('%', from) < 0) {
            return raw.substring(from, to);
        }
        StringBuilder b = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                b.append((char) escape(raw, i));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
