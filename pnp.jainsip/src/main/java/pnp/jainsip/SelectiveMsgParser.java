package pnp.jainsip;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import gov.nist.javax.sip.header.ExtensionHeaderImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

/**
 * The stack's own message parser, except that only the headers someone reads are parsed: the others
 * are attached as {@link ExtensionHeaderImpl}s holding their text, exactly as the stock parser keeps a
 * header it has no parser for. {@code getHeader(name)} and {@code getHeaders(name)} still find them,
 * by full name also when the message used a compact one, and they encode as {@code Name: value}.
 *
 * <p>A parsed header goes through the stock code unchanged: the same parser, the same error and the
 * same {@link ParseExceptionListener} call. Framing (request or status line, folding, Content-Length,
 * body) is the stock code too. So for the parsed headers this rejects what the stock parser rejects;
 * a header left unparsed is taken as any unknown header is (its value is not checked).
 *
 * <p>Thread-safe: one instance may serve every thread.
 */
public class SelectiveMsgParser extends StringMsgParser {

    /**
     * What the stack and the PnP path read (lower case, full names). The stack: Via, From, To, Call-ID,
     * CSeq and Content-Length identify and frame a message (a broken one drops it); Max-Forwards and
     * Content-Type are checked when a request is sent or a body set; Record-Route is copied into
     * responses by its type. pnp.sip: Contact (NOTIFY target), Event (package and parameters),
     * User-Agent, Expires, and the challenge in a 401/407 to a resync NOTIFY (WWW-/Proxy-Authenticate).
     */
    public static final Set<String> PNP_HEADERS = Set.of("via", "from", "to", "call-id", "cseq", "content-length",
            "max-forwards", "content-type", "record-route", "route", "contact", "event", "user-agent", "expires",
            // a phone's 401/407 to our resync NOTIFY: the digest answer reads the challenge
            "www-authenticate", "proxy-authenticate");

    /** RFC 3261 7.3.3 and later RFCs' compact names, to the full names getHeader looks up. */
    private static final String[][] COMPACT = {
            { "v", "Via" }, { "f", "From" }, { "t", "To" }, { "i", "Call-ID" }, { "l", "Content-Length" },
            { "m", "Contact" }, { "o", "Event" }, { "c", "Content-Type" }, { "e", "Content-Encoding" },
            { "k", "Supported" }, { "s", "Subject" }, { "u", "Allow-Events" }, { "r", "Refer-To" },
            { "b", "Referred-By" }, { "x", "Session-Expires" }, { "a", "Accept-Contact" },
            { "j", "Reject-Contact" }, { "d", "Request-Disposition" }, { "y", "Identity" },
            { "n", "Identity-Info" } };

    private final String[] parsed;
    /**
     * Header names as phones write them, to their full name and whether it is parsed: a phone model
     * writes the same dozen names every time, so a lookup of the name as written replaces the compact
     * name table, lower-casing and the comparisons. Bounded: names made up by a sender are looked up
     * the long way once the table is full.
     */
    private final Map<String, Name> names = new ConcurrentHashMap<>();
    private static final int MAX_NAMES = 512;

    private record Name(String full, boolean parsed) {
    }

    /** Parses {@link #PNP_HEADERS}. */
    public SelectiveMsgParser() {
        this(PNP_HEADERS);
    }

    /**
     * @param headersToParse full header names, any case; a compact form of one of them is parsed too
     */
    public SelectiveMsgParser(Set<String> headersToParse) {
        List<String> names = new ArrayList<>();
        for (String name : headersToParse) {
            names.add(name.trim().toLowerCase(Locale.ROOT));
        }
        this.parsed = names.toArray(String[]::new);
    }

    @Override
    protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener, byte[] raw)
            throws ParseException {
        if (header == null || header.isEmpty()) {
            return;
        }
        int colon = header.indexOf(':');
        Name name = colon < 1 ? null : name(header.substring(0, colon));
        if (name == null || name.parsed()) {
            // The stock path, also for a line with no name: its error and its listener call are the stock ones.
            super.processHeader(header, message, listener, raw);
            return;
        }
        ExtensionHeaderImpl text = new ExtensionHeaderImpl(name.full());
        text.setValue(header.substring(colon + 1).trim());
        message.attachHeader(text, false);
    }

    private Name name(String written) {
        Name n = names.get(written);
        if (n == null) {
            String full = fullName(written.trim());
            if (full.isEmpty()) {
                return null;
            }
            n = new Name(full, isParsed(full));
            if (names.size() < MAX_NAMES) {
                names.putIfAbsent(written, n);
            }
        }
        return n;
    }

    /** How many names as written are remembered (for tests). */
    int knownNames() {
        return names.size();
    }

    private boolean isParsed(String name) {
        for (String p : parsed) {
            if (p.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static String fullName(String name) {
        if (name.length() == 1) {
            for (String[] c : COMPACT) {
                if (c[0].equalsIgnoreCase(name)) {
                    return c[1];
                }
            }
        }
        return name;
    }
}
