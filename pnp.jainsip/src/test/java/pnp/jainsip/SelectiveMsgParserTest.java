package pnp.jainsip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import javax.sip.header.ExtensionHeader;
import javax.sip.header.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

class SelectiveMsgParserTest {

    private final MessageParser stock = new StringMsgParser();
    private final MessageParser selective = new SelectiveMsgParser();

    static Stream<Arguments> realMessages() {
        List<Arguments> all = new ArrayList<>();
        Samples.SUBSCRIBES.forEach((k, v) -> all.add(Arguments.of("SUBSCRIBE " + k, v)));
        Samples.NOTIFY_ANSWERS.forEach((k, v) -> all.add(Arguments.of("200 to NOTIFY " + k, v)));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realMessages")
    void parsedHeadersAreTheStockParsersObjects(String name, String text) throws Exception {
        SIPMessage s = stock.parseSIPMessage(Samples.bytes(text), true, false, ParseBench.STACK_LIKE);
        SIPMessage t = selective.parseSIPMessage(Samples.bytes(text), true, false, ParseBench.STACK_LIKE);
        assertEquals(s.getFirstLine(), t.getFirstLine());
        assertEquals(s.getClass(), t.getClass());
        int compared = 0;
        for (String h : SelectiveMsgParser.PNP_HEADERS) {
            Header a = s.getHeader(h);
            Header b = t.getHeader(h);
            if (a == null) {
                assertNull(b, h);
                continue;
            }
            assertEquals(a.getClass(), b.getClass(), h);
            assertEquals(a, b, h);
            assertEquals(a.toString(), b.toString(), h);
            compared++;
        }
        assertTrue(compared >= 6, "compared only " + compared + " headers");
        // The stack's own accessors and what it keys transactions and dialogs on.
        assertEquals(s.getTopmostVia(), t.getTopmostVia());
        assertEquals(s.getTransactionId(), t.getTransactionId());
        assertEquals(s.getDialogId(false), t.getDialogId(false));
        assertEquals(s.getContentLength(), t.getContentLength());
        assertEquals(s.getSize(), t.getSize());
        assertEquals(list(s.getUnrecognizedHeaders()), list(t.getUnrecognizedHeaders()));
        if (s instanceof SIPRequest rs) {
            assertEquals(rs.getRequestURI(), ((SIPRequest) t).getRequestURI());
            assertEquals(rs.getMaxForwards(), ((SIPRequest) t).getMaxForwards());
            // The answer the stack builds from it: the same bytes.
            SIPResponse as = rs.createResponse(200);
            SIPResponse at = ((SIPRequest) t).createResponse(200);
            assertEquals(as.encode(), at.encode());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realMessages")
    void headersLeftUnparsedAreReadableWithTheirExactValues(String name, String text) throws Exception {
        SIPMessage t = selective.parseSIPMessage(Samples.bytes(text), true, false, ParseBench.STACK_LIKE);
        for (String[] line : unparsedLines(text)) {
            Header h = t.getHeader(line[0]);
            assertNotNull(h, line[0]);
            ExtensionHeader x = assertInstanceOf(ExtensionHeader.class, h, line[0]);
            assertEquals(line[1], x.getValue(), line[0]);
            assertEquals(line[0] + ": " + line[1] + "\r\n", h.toString(), line[0]);
            assertTrue(t.encode().contains(line[0] + ": " + line[1] + "\r\n"), line[0]);
        }
    }

    @Test
    void theSamplesLeaveSomethingUnparsed() {
        // Otherwise the test above proves nothing.
        assertTrue(unparsedLines(Samples.SUBSCRIBES.get("grandstream")).size() >= 4);
        assertTrue(unparsedLines(Samples.SUBSCRIBES.get("snom")).size() >= 2);
    }

    @Test
    void aCompactNameIsFoundByItsFullName() throws Exception {
        SIPMessage t = selective.parseSIPMessage(Samples.bytes(Samples.SUBSCRIBES.get("snom")), true, false,
                ParseBench.STACK_LIKE);
        assertEquals("replaces, 100rel", ((ExtensionHeader) t.getHeader("Supported")).getValue());
        assertNull(t.getHeader("k")); // as with the stock parser: getHeader takes full names
        // Parsed compact headers are the stock parser's.
        assertNotNull(t.getHeader("Event"));
        assertFalse(t.getHeader("Event") instanceof ExtensionHeader);
    }

    @Test
    void repeatedUnparsedHeadersAreAllKeptInOrder() throws Exception {
        String text = Samples.crlf("""
                OPTIONS sip:192.0.2.1 SIP/2.0
                Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK9
                From: <sip:a@192.0.2.7>;tag=1
                To: <sip:192.0.2.1>
                Call-ID: r1@x
                CSeq: 1 OPTIONS
                Allow: INVITE, ACK
                Accept: application/sdp
                Allow: SUBSCRIBE
                Content-Length: 0

                """);
        SIPMessage t = selective.parseSIPMessage(Samples.bytes(text), true, false, ParseBench.STACK_LIKE);
        List<String> allows = new ArrayList<>();
        for (Iterator<?> it = t.getHeaders("Allow"); it.hasNext();) {
            allows.add(((ExtensionHeader) it.next()).getValue());
        }
        assertEquals(List.of("INVITE, ACK", "SUBSCRIBE"), allows);
        assertTrue(t.encode().contains("Allow: INVITE, ACK\r\nAllow: SUBSCRIBE\r\n"));
    }

    /**
     * Broken messages: each outcome (refused with which error, or kept with which unparsed lines) is the
     * stock parser's, under the stack's rule and under a rule that refuses every broken header. The
     * broken header of each is one the selective parser parses.
     */
    static Stream<Arguments> brokenMessages() {
        String ok = Samples.SUBSCRIBES.get("yealink");
        return Stream.of(
                Arguments.of("bad Via", ok.replace("Via: SIP/2.0/UDP 10.0.0.41:5059", "Via: SIP/2.0/UDP 10.0.0.41:99x")),
                Arguments.of("no Via host", ok.replace("Via: SIP/2.0/UDP 10.0.0.41:5059;", "Via: SIP/2.0/UDP ;")),
                Arguments.of("unclosed From", ok.replace("From: <sip:MAC001565f4f9e1@224.0.1.75>", "From: \"x <sip:a@b>")),
                Arguments.of("To without URI", ok.replace("To: <sip:MAC001565f4f9e1@224.0.1.75>", "To: <>")),
                Arguments.of("empty Call-ID", ok.replace("Call-ID: 1902442564@10.0.0.41", "Call-ID: ")),
                Arguments.of("CSeq not a number", ok.replace("CSeq: 1 SUBSCRIBE", "CSeq: one SUBSCRIBE")),
                Arguments.of("CSeq too large", ok.replace("CSeq: 1 SUBSCRIBE", "CSeq: 36893488147419103232 SUBSCRIBE")),
                Arguments.of("negative Content-Length", ok.replace("Content-Length: 0", "Content-Length: -999")),
                Arguments.of("Content-Length larger than body", ok.replace("Content-Length: 0", "Content-Length: 50")),
                Arguments.of("two spaces in request line", ok.replace("SUBSCRIBE sip:", "SUBSCRIBE  sip:")),
                Arguments.of("SIP/7.0", ok.replace("@224.0.1.75 SIP/2.0", "@224.0.1.75 SIP/7.0")),
                Arguments.of("Max-Forwards too large", ok.replace("Max-Forwards: 70", "Max-Forwards: 300000000000")),
                Arguments.of("Expires not a number", ok.replace("Expires: 0", "Expires: soon")),
                Arguments.of("Event unclosed quote", ok.replace("model=\"T46S\"", "model=\"T46S")),
                Arguments.of("Contact with blanks in URI", ok.replace("Contact: <sip:10.0.0.41:5059>",
                        "Contact: <sip:10.0.0.41 :5059>")),
                Arguments.of("NUL in From", ok.replace(";tag=1466436469", ";tag=14\u000066")),
                Arguments.of("no colon", ok.replace("Max-Forwards: 70", "Max-Forwards 70")),
                Arguments.of("continuation first", ok.replace("Via:", " Via:")),
                Arguments.of("status 99999", Samples.NOTIFY_ANSWERS.get("sipp").replace("SIP/2.0 200 OK", "SIP/2.0 99999 OK")),
                Arguments.of("response without CSeq number",
                        Samples.NOTIFY_ANSWERS.get("sipp").replace("CSeq: 1 NOTIFY", "CSeq: NOTIFY")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenMessages")
    void brokenParsedHeadersGetTheStockOutcome(String name, String text) {
        for (ParseExceptionListener rule : List.of(ParseBench.STACK_LIKE, REFUSE_ALL)) {
            assertEquals(outcome(stock, text, rule), outcome(selective, text, rule), name);
        }
    }

    /**
     * The RI's parser lets these through, and so does the selective one: the stack refuses the first two
     * after parsing (505, checkHeaders); the others are for the application's own checks.
     */
    private static final java.util.Set<String> RI_LETS_THROUGH = java.util.Set.of("SIP/7.0", "status 99999",
            "empty Call-ID", "two spaces in request line");

    @Test
    void theBrokenMessagesAreRefusedOrFlagged() {
        // Otherwise the comparison above could be between two parsers that both see nothing wrong.
        brokenMessages().forEach(a -> {
            String name = (String) a.get()[0];
            String o = outcome(stock, (String) a.get()[1], ParseBench.STACK_LIKE);
            // Refused, or a broken header kept as an unparsed line, or an identifying header missing (the
            // stack drops a message without Call-ID, From, To, CSeq or Via).
            boolean flagged = o.startsWith("refused") || !o.contains("unparsed=[]") || o.contains("call-id=-");
            assertEquals(!RI_LETS_THROUGH.contains(name), flagged, name + ": " + o);
        });
    }

    @Test
    void aSharedInstanceParsesConcurrently() throws Exception {
        List<String> texts = new ArrayList<>(Samples.SUBSCRIBES.values());
        List<String> expected = new ArrayList<>();
        for (String x : texts) {
            expected.add(selective.parseSIPMessage(Samples.bytes(x), true, false, ParseBench.STACK_LIKE).encode());
        }
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 2000; i++) {
                        int k = i % texts.size();
                        String got = selective.parseSIPMessage(Samples.bytes(texts.get(k)), true, false,
                                ParseBench.STACK_LIKE).encode();
                        assertEquals(expected.get(k), got);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(60_000);
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void madeUpHeaderNamesAreReadButTheNameTableStaysBounded() throws Exception {
        SelectiveMsgParser p = new SelectiveMsgParser();
        StringBuilder b = new StringBuilder(Samples.SUBSCRIBES.get("yealink").replace("Content-Length: 0\r\n\r\n", ""));
        for (int i = 0; i < 2000; i++) {
            b.append("X-Made-Up-").append(i).append(": v").append(i).append("\r\n");
        }
        b.append("Content-Length: 0\r\n\r\n");
        SIPMessage m = p.parseSIPMessage(Samples.bytes(b.toString()), true, false, ParseBench.STACK_LIKE);
        assertEquals("v1999", ((ExtensionHeader) m.getHeader("X-Made-Up-1999")).getValue());
        assertEquals("v0", ((ExtensionHeader) m.getHeader("x-made-up-0")).getValue());
        assertTrue(p.knownNames() <= 512, "remembered " + p.knownNames());
        assertNotNull(m.getTopmostVia());
    }

    @Test
    void theFactoryHandsOutTheSelectiveParser() {
        assertInstanceOf(SelectiveMsgParser.class, new SelectiveParserFactory().createMessageParser(null));
    }

    private static final ParseExceptionListener REFUSE_ALL = (ex, msg, cls, header, message) -> {
        throw ex;
    };

    private static String outcome(MessageParser p, String text, ParseExceptionListener rule) {
        try {
            SIPMessage m = p.parseSIPMessage(Samples.bytes(text), true, false, rule);
            if (m == null) {
                return "null";
            }
            StringBuilder b = new StringBuilder("kept unparsed=").append(list(m.getUnrecognizedHeaders()));
            for (String h : SelectiveMsgParser.PNP_HEADERS) {
                Header x = m.getHeader(h);
                b.append(' ').append(h).append('=').append(x == null ? "-" : x.toString().trim());
            }
            return b.append(" first=").append(m.getFirstLine()).toString();
        } catch (ParseException e) {
            return "refused: " + String.valueOf(e.getMessage()).replaceAll("\\[C@[0-9a-f]+", "[C]") + " @" + e.getErrorOffset();
        } catch (RuntimeException e) {
            return "refused: " + e;
        }
    }

    private static List<String> list(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    /** The header lines of a message the selective parser does not parse: full name and trimmed value. */
    private static List<String[]> unparsedLines(String text) {
        List<String[]> out = new ArrayList<>();
        String head = text.substring(0, text.indexOf("\r\n\r\n"));
        String[] lines = head.replace("\r\n ", " ").split("\r\n");
        Map<String, String> compact = Map.of("k", "Supported", "u", "Allow-Events");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim();
            name = compact.getOrDefault(name.toLowerCase(Locale.ROOT), name);
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.length() > 1 && !SelectiveMsgParser.PNP_HEADERS.contains(lower)) {
                out.add(new String[] { name, lines[i].substring(colon + 1).trim() });
            }
        }
        return out;
    }
}
