package pnp.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A received SIP message (RFC 3261), parsed liberally: any header case, compact header names, folded
 * header lines, LF or CRLF line ends, body bounded by Content-Length when present, else the rest of
 * the datagram.
 */
final class SipMessage {

    private static final Map<String, String> COMPACT = Map.ofEntries(
            Map.entry("v", "via"), Map.entry("f", "from"), Map.entry("t", "to"), Map.entry("i", "call-id"),
            Map.entry("m", "contact"), Map.entry("c", "content-type"), Map.entry("l", "content-length"),
            Map.entry("o", "event"), Map.entry("e", "content-encoding"), Map.entry("k", "supported"),
            Map.entry("s", "subject"), Map.entry("u", "allow-events"), Map.entry("x", "session-expires"));

    /** A header as received: its name as written, its long lower-case name, and its value. */
    record Header(String name, String key, String value) {
    }

    private final String method;
    private final String requestUri;
    private final int status;
    private final String reason;
    private final List<Header> headers;
    private final String body;

    private SipMessage(String method, String requestUri, int status, String reason, List<Header> headers,
            String body) {
        this.method = method;
        this.requestUri = requestUri;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
    }

    static SipMessage parse(byte[] data, int offset, int length) {
        String text = new String(data, offset, length, StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        int bodyStart;
        if (split >= 0) {
            bodyStart = split + 4;
        } else {
            split = text.indexOf("\n\n");
            bodyStart = split >= 0 ? split + 2 : text.length();
            if (split < 0) {
                split = text.length();
            }
        }
        String head = text.substring(0, split);
        List<String> lines = lines(head);
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++; // keep-alive CRLFs before the message
        }
        if (first >= lines.size()) {
            throw new IllegalArgumentException("empty message");
        }
        String start = lines.get(first).strip();
        String method = null;
        String uri = null;
        int status = 0;
        String reason = "";
        if (start.startsWith("SIP/2.0 ")) {
            String rest = start.substring(8).strip();
            int sp = rest.indexOf(' ');
            String code = sp < 0 ? rest : rest.substring(0, sp);
            try {
                status = Integer.parseInt(code);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad status line: " + start);
            }
            if (status < 100 || status > 699) {
                throw new IllegalArgumentException("bad status code: " + start);
            }
            reason = sp < 0 ? "" : rest.substring(sp + 1).strip();
        } else {
            int sp1 = start.indexOf(' ');
            int sp2 = sp1 < 0 ? -1 : start.indexOf(' ', sp1 + 1);
            if (sp1 <= 0 || sp2 < 0 || !start.substring(sp2 + 1).strip().equals("SIP/2.0")) {
                throw new IllegalArgumentException("bad request line: " + start);
            }
            method = start.substring(0, sp1).toUpperCase(Locale.ROOT);
            uri = start.substring(sp1 + 1, sp2).strip();
            if (uri.isEmpty() || uri.indexOf(' ') >= 0) {
                throw new IllegalArgumentException("bad request line: " + start);
            }
        }
        List<Header> headers = new ArrayList<>();
        StringBuilder current = null;
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (current != null) {
                    current.append(' ').append(line.strip()); // folded continuation
                }
                continue;
            }
            if (current != null) {
                headers.add(parseHeader(current.toString()));
            }
            current = new StringBuilder(line);
        }
        if (current != null) {
            headers.add(parseHeader(current.toString()));
        }
        String body = bodyStart < text.length() ? text.substring(bodyStart) : "";
        SipMessage m = new SipMessage(method, uri, status, reason, List.copyOf(headers), body);
        String cl = m.header("content-length");
        if (cl != null) {
            try {
                int n = Integer.parseInt(cl.strip());
                byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
                if (n >= 0 && n < bodyBytes.length) {
                    body = new String(bodyBytes, 0, n, StandardCharsets.UTF_8);
                    m = new SipMessage(method, uri, status, reason, m.headers, body);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad Content-Length: " + cl);
            }
        }
        return m;
    }

    /** The lines of a text, split at LF or CRLF (no regular expression: this runs for every datagram). */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>(24);
        int from = 0;
        int n = text.length();
        while (from <= n) {
            int lf = text.indexOf('\n', from);
            int end = lf < 0 ? n : lf;
            int stop = end > from && text.charAt(end - 1) == '\r' ? end - 1 : end;
            out.add(text.substring(from, stop));
            if (lf < 0) {
                break;
            }
            from = lf + 1;
        }
        return out;
    }

    private static Header parseHeader(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("bad header line: " + line);
        }
        String name = line.substring(0, colon).strip();
        String key = name.toLowerCase(Locale.ROOT);
        key = COMPACT.getOrDefault(key, key);
        return new Header(name, key, line.substring(colon + 1).strip());
    }

    boolean isRequest() {
        return method != null;
    }

    /** The method of a request (upper case), null for a response. */
    String method() {
        return method;
    }

    String requestUri() {
        return requestUri;
    }

    /** The status code of a response, 0 for a request. */
    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    String body() {
        return body;
    }

    List<Header> headers() {
        return headers;
    }

    /** The first value of a header by its long name, any case; null when absent. */
    String header(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        for (Header h : headers) {
            if (h.key().equals(key)) {
                return h.value();
            }
        }
        return null;
    }

    /** Every value of a header, in order, each header line as one value (commas not split). */
    List<String> all(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            if (h.key().equals(key)) {
                out.add(h.value());
            }
        }
        return out;
    }

    /** The method named in CSeq, upper case; empty when absent. */
    String cseqMethod() {
        String cseq = header("cseq");
        if (cseq == null) {
            return "";
        }
        String c = cseq.strip();
        int sp = c.lastIndexOf(' ');
        int tab = c.lastIndexOf('\t');
        int at = Math.max(sp, tab);
        return at > 0 ? c.substring(at + 1).toUpperCase(Locale.ROOT) : "";
    }

    /** The media type of Content-Type in lower case without parameters; empty when absent. */
    String contentType() {
        String ct = header("content-type");
        if (ct == null) {
            return "";
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** The event package of the Event header, lower case, without parameters; empty when absent. */
    String eventPackage() {
        String ev = header("event");
        if (ev == null) {
            return "";
        }
        int semi = ev.indexOf(';');
        return (semi < 0 ? ev : ev.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** A parameter of a header value such as {@code <sip:x>;tag=abc}, outside any {@code <...>}; null when absent. */
    static String parameter(String headerValue, String name) {
        if (headerValue == null) {
            return null;
        }
        int gt = headerValue.lastIndexOf('>');
        String params = gt >= 0 ? headerValue.substring(gt + 1) : headerValue;
        for (String p : params.split(";")) {
            int eq = p.indexOf('=');
            String k = (eq < 0 ? p : p.substring(0, eq)).strip();
            if (k.equalsIgnoreCase(name)) {
                return eq < 0 ? "" : unquote(p.substring(eq + 1).strip());
            }
        }
        return null;
    }

    static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** The URL a NOTIFY body carries: its first non-blank line, without surrounding {@code <>}; empty when none. */
    static String urlOfBody(String body) {
        for (String line : lines(body)) {
            String s = line.strip();
            if (!s.isEmpty()) {
                if (s.startsWith("<") && s.endsWith(">")) {
                    s = s.substring(1, s.length() - 1).strip();
                }
                return s;
            }
        }
        return "";
    }
}
