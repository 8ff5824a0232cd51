package pnp.sip.internal;

/**
 * The one syntax rule both SIP paths apply before the stack's parser reads a datagram (RFC 3261 section 25,
 * the invalid messages of RFC 4475 section 3.1.2): the stack's parser is lenient in places where a message
 * is invalid, and such a message must never be accepted. One pass over the bytes, no allocation, no regular
 * expressions: it runs for every datagram.
 *
 * <p>Valid but unusual messages pass: folded lines, any case of names, compact forms, escaped URIs, long
 * values, unknown headers, UTF-8 text, missing Content-Length (allowed on UDP), trailing bytes past
 * Content-Length (discarded on UDP).
 */
final class StrictSyntax {

    /** Why a message is invalid: the status to answer on unicast and a fixed reason (never input text). */
    enum Violation {
        START_LINE(400, "malformed start line"),
        VERSION(505, "SIP version not supported"),
        CONTROL_CHARACTER(400, "control character in the header"),
        HEADER_LINE(400, "header line without a name"),
        DUPLICATE(400, "a single-value header appears twice"),
        MISSING(400, "From, To, Call-ID, CSeq or Via missing"),
        CALL_ID(400, "empty or malformed Call-ID"),
        CSEQ(400, "malformed CSeq or its method differs from the request's"),
        CONTENT_LENGTH(400, "malformed Content-Length or larger than the body"),
        UNCLOSED_QUOTE(400, "unclosed quote"),
        PORT(400, "port out of range"),
        NO_END(400, "no empty line after the header");

        final int status;
        final String reason;

        Violation(int status, String reason) {
            this.status = status;
            this.reason = reason;
        }
    }

    private StrictSyntax() {
    }

    // header kinds by name
    private static final int OTHER = 0, FROM = 1, TO = 2, CALL_ID = 3, CSEQ = 4, CONTENT_LENGTH = 5, VIA = 6,
            MAX_FORWARDS = 7, CONTENT_TYPE = 8, EVENT = 9, CONTACT = 10, KINDS = 11;

    /**
     * @return null when the datagram is fine (or only line ends: a keep-alive), else why not
     */
    static Violation check(byte[] b, int len) {
        int i = 0;
        while (i < len && (b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        if (i == len) {
            return null;
        }
        int lineEnd = lineEnd(b, i, len);
        if (lineEnd < 0) {
            return Violation.NO_END;
        }
        boolean response = startsWith(b, i, lineEnd, "SIP/");
        int methodStart = i, methodEnd = -1;
        if (response) {
            Violation v = statusLine(b, i, lineEnd);
            if (v != null) {
                return v;
            }
        } else {
            methodEnd = tokenEnd(b, i, lineEnd);
            if (methodEnd == i || methodEnd >= lineEnd || b[methodEnd] != ' ') {
                return Violation.START_LINE;
            }
            int uriStart = methodEnd + 1;
            int uriEnd = uriStart;
            while (uriEnd < lineEnd && b[uriEnd] > ' ' && b[uriEnd] != 0x7f) {
                uriEnd++;
            }
            if (uriEnd == uriStart || uriEnd >= lineEnd || b[uriEnd] != ' ') {
                return Violation.START_LINE;
            }
            Violation v = version(b, uriEnd + 1, lineEnd);
            if (v != null) {
                return v;
            }
        }
        int callIdStart = -1, callIdEnd = -1, cseqStart = -1, cseqEnd = -1, lengthStart = -1, lengthEnd = -1;
        int kind = OTHER;
        boolean quoted = false;
        int counts = 0; // packed counts: 2 bits per kind (0, 1, 2 = more than one)
        i = next(b, lineEnd, len);
        while (true) {
            if (i >= len) {
                return Violation.NO_END;
            }
            int end = lineEnd(b, i, len);
            if (end < 0) {
                return Violation.NO_END;
            }
            if (end == i) { // the empty line
                if (quoted) {
                    return Violation.UNCLOSED_QUOTE;
                }
                i = next(b, end, len);
                break;
            }
            int valueStart;
            if (b[i] == ' ' || b[i] == '\t') { // a folded line continues the header
                valueStart = i;
            } else {
                if (quoted) {
                    return Violation.UNCLOSED_QUOTE;
                }
                int nameEnd = tokenEnd(b, i, end);
                int colon = nameEnd;
                while (colon < end && (b[colon] == ' ' || b[colon] == '\t')) {
                    colon++;
                }
                if (nameEnd == i || colon >= end || b[colon] != ':') {
                    return controlIn(b, i, end) ? Violation.CONTROL_CHARACTER : Violation.HEADER_LINE;
                }
                kind = kind(b, i, nameEnd);
                int c = (counts >>> (2 * kind)) & 3;
                if (c < 2) {
                    counts += 1 << (2 * kind);
                }
                valueStart = colon + 1;
                if (c == 0) {
                    switch (kind) {
                        case CALL_ID -> { callIdStart = valueStart; callIdEnd = end; }
                        case CSEQ -> { cseqStart = valueStart; cseqEnd = end; }
                        case CONTENT_LENGTH -> { lengthStart = valueStart; lengthEnd = end; }
                        default -> { }
                    }
                }
            }
            boolean checkQuotes = kind == EVENT || kind == FROM || kind == TO || kind == CONTACT || kind == VIA;
            for (int k = valueStart; k < end; k++) {
                int x = b[k] & 0xff;
                if (x < 0x20 && x != '\t' || x == 0x7f) {
                    return Violation.CONTROL_CHARACTER;
                }
                if (checkQuotes) {
                    if (quoted && x == '\\') {
                        k++;
                    } else if (x == '"') {
                        quoted = !quoted;
                    }
                }
            }
            i = next(b, end, len);
        }
        int bodyLength = len - i;
        if (count(counts, FROM) > 1 || count(counts, TO) > 1 || count(counts, CALL_ID) > 1 || count(counts, CSEQ) > 1
                || count(counts, CONTENT_LENGTH) > 1 || count(counts, MAX_FORWARDS) > 1
                || count(counts, CONTENT_TYPE) > 1) {
            return Violation.DUPLICATE;
        }
        if (count(counts, CONTENT_LENGTH) == 1) {
            long n = number(b, lengthStart, lengthEnd);
            if (n < 0 || n > bodyLength) {
                return Violation.CONTENT_LENGTH;
            }
        }
        if (response) {
            return null;
        }
        if (count(counts, FROM) == 0 || count(counts, TO) == 0 || count(counts, CALL_ID) == 0
                || count(counts, CSEQ) == 0 || count(counts, VIA) == 0) {
            return Violation.MISSING;
        }
        if (!callId(b, callIdStart, callIdEnd)) {
            return Violation.CALL_ID;
        }
        if (!cseq(b, cseqStart, cseqEnd, methodStart, methodEnd)) {
            return Violation.CSEQ;
        }
        return null;
    }

    private static int count(int counts, int kind) {
        return (counts >>> (2 * kind)) & 3;
    }

    /** Index of the CR (or bare LF) that ends the line starting at i, or -1 when none. */
    private static int lineEnd(byte[] b, int i, int len) {
        for (int k = i; k < len; k++) {
            if (b[k] == '\n') {
                return k > i && b[k - 1] == '\r' ? k - 1 : k;
            }
        }
        return -1;
    }

    /** Index after the line end at end. */
    private static int next(byte[] b, int end, int len) {
        return end < len && b[end] == '\r' ? end + 2 : end + 1;
    }

    private static boolean startsWith(byte[] b, int i, int end, String s) {
        if (end - i < s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (Character.toUpperCase((char) b[i + k]) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3261 token characters. */
    private static boolean token(int x) {
        return x >= 'a' && x <= 'z' || x >= 'A' && x <= 'Z' || x >= '0' && x <= '9' || x == '-' || x == '.'
                || x == '!' || x == '%' || x == '*' || x == '_' || x == '+' || x == '`' || x == '\'' || x == '~';
    }

    private static int tokenEnd(byte[] b, int i, int end) {
        while (i < end && token(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean controlIn(byte[] b, int i, int end) {
        for (int k = i; k < end; k++) {
            int x = b[k] & 0xff;
            if (x < 0x20 && x != '\t' || x == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** {@code SIP/2.0} exactly to the end of the line; another well-formed version is VERSION. */
    private static Violation version(byte[] b, int i, int end) {
        if (!startsWith(b, i, end, "SIP/")) {
            return Violation.START_LINE;
        }
        int k = i + 4;
        int majorStart = k;
        while (k < end && b[k] >= '0' && b[k] <= '9') {
            k++;
        }
        if (k == majorStart || k >= end || b[k] != '.') {
            return Violation.START_LINE;
        }
        int minorStart = ++k;
        while (k < end && b[k] >= '0' && b[k] <= '9') {
            k++;
        }
        if (k == minorStart || k != end) {
            return Violation.START_LINE;
        }
        boolean two = minorStart - majorStart == 2 && b[majorStart] == '2' && end - minorStart == 1 && b[minorStart] == '0';
        return two ? null : Violation.VERSION;
    }

    private static Violation statusLine(byte[] b, int i, int end) {
        int sp = i + 7;
        if (sp >= end || b[sp] != ' ' || version(b, i, sp) != null) {
            return Violation.START_LINE;
        }
        for (int k = sp + 1; k < sp + 4; k++) {
            if (k >= end || b[k] < '0' || b[k] > '9') {
                return Violation.START_LINE;
            }
        }
        return sp + 4 == end || b[sp + 4] == ' ' ? null : Violation.START_LINE;
    }

    private static int kind(byte[] b, int i, int end) {
        int n = end - i;
        if (n == 1) {
            return switch (b[i] | 0x20) {
                case 'f' -> FROM;
                case 't' -> TO;
                case 'i' -> CALL_ID;
                case 'l' -> CONTENT_LENGTH;
                case 'v' -> VIA;
                case 'c' -> CONTENT_TYPE;
                case 'o' -> EVENT;
                case 'm' -> CONTACT;
                default -> OTHER;
            };
        }
        if (named(b, i, end, "from")) {
            return FROM;
        }
        if (named(b, i, end, "to")) {
            return TO;
        }
        if (named(b, i, end, "call-id")) {
            return CALL_ID;
        }
        if (named(b, i, end, "cseq")) {
            return CSEQ;
        }
        if (named(b, i, end, "content-length")) {
            return CONTENT_LENGTH;
        }
        if (named(b, i, end, "via")) {
            return VIA;
        }
        if (named(b, i, end, "max-forwards")) {
            return MAX_FORWARDS;
        }
        if (named(b, i, end, "content-type")) {
            return CONTENT_TYPE;
        }
        if (named(b, i, end, "event")) {
            return EVENT;
        }
        return named(b, i, end, "contact") ? CONTACT : OTHER;
    }

    private static boolean named(byte[] b, int i, int end, String lower) {
        if (end - i != lower.length()) {
            return false;
        }
        for (int k = 0; k < lower.length(); k++) {
            if ((b[i + k] | 0x20) != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** A decimal number between blanks, -1 when not one (or absurdly long). */
    private static long number(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        while (end > i && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
            end--;
        }
        if (i == end || end - i > 10) {
            return -1;
        }
        long n = 0;
        for (int k = i; k < end; k++) {
            if (b[k] < '0' || b[k] > '9') {
                return -1;
            }
            n = n * 10 + (b[k] - '0');
        }
        return n;
    }

    /** Call-ID: one word, non-empty, no blanks inside. */
    private static boolean callId(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        while (end > i && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
            end--;
        }
        if (i == end) {
            return false;
        }
        for (int k = i; k < end; k++) {
            if (b[k] == ' ' || b[k] == '\t' || b[k] == '"') {
                return false;
            }
        }
        return true;
    }

    /** CSeq: a number up to 2^31-1, blanks, the request's own method. */
    private static boolean cseq(byte[] b, int i, int end, int methodStart, int methodEnd) {
        while (i < end && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        int digits = i;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == digits || number(b, digits, i) > Integer.MAX_VALUE || i >= end || b[i] != ' ' && b[i] != '\t') {
            return false;
        }
        while (i < end && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        while (end > i && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
            end--;
        }
        if (end - i != methodEnd - methodStart) {
            return false;
        }
        for (int k = 0; k < end - i; k++) {
            if (b[i + k] != b[methodStart + k]) {
                return false;
            }
        }
        return true;
    }
}
