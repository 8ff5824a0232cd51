package pnp.sip.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.PhoneInventory;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.Rendering;

/**
 * RFC 4475-style messages of our own, sent over real sockets to both SIP paths: the stack's unicast socket
 * (127.0.0.1) and the group socket, bound here to a second loopback address (127.0.0.2) instead of joining
 * the group (real multicast needs a network namespace: pnp.e2e MulticastProvisioningTest); what it receives
 * takes the multicast path (strict reader, answerer with multicast=true, answers through the stack).
 * Invalid messages never get 200 (unicast: 400/505 or nothing; group: nothing); valid unusual ones always do.
 */
class SipTortureTest {

    static final int PORT = 25070;
    static final String UNICAST = "127.0.0.1";
    static final String GROUP = "127.0.0.2";
    final List<PhoneSighting> heard = new CopyOnWriteArrayList<>();
    SipComponent service;
    DatagramSocket phone;

    @BeforeEach
    void start() throws Exception {
        PhoneInventory inventory = ResyncSenderTest.inventory(heard);
        service = new SipComponent(inventory, SipComponentTest.config(Map.of("address", UNICAST, "port", PORT,
                "multicast", true, "group", GROUP, "interfaces", new String[] { "no-such-interface" },
                "burst", 100_000, "subscribesPerSecond", 100_000.0)));
        phone = new DatagramSocket(new InetSocketAddress(UNICAST, 0));
    }

    @AfterEach
    void stop() throws InterruptedException {
        service.deactivate();
        phone.close();
    }

    String valid(String callId) {
        int port = phone.getLocalPort();
        return "SUBSCRIBE sip:MAC%3A000B82273B89@224.0.1.75 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK" + callId + ";rport\r\n"
                + "From: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=1692014507\r\n"
                + "To: <sip:MAC%3A000B82273B89@224.0.1.75>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 20000 SUBSCRIBE\r\n"
                + "Contact: <sip:127.0.0.1:" + port + ">\r\n"
                + "User-Agent: Grandstream GXP2140 1.0.11.16\r\n"
                + "Event: ua-profile;vendor=\"Grandstream\";model=\"GXP2140\"\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** Name, then a function of the Call-ID; every one must be refused. */
    List<String[]> invalid(String id) {
        String v = valid(id);
        List<String[]> list = new ArrayList<>();
        list.add(new String[] { "unknown version", v.replace("224.0.1.75 SIP/2.0", "224.0.1.75 SIP/7.0") });
        list.add(new String[] { "NUL in a header", v.replace("GXP2140 1.0", "GXP2140\u00001.0") });
        list.add(new String[] { "escape sequence in a header", v.replace("Grandstream GXP", "Grandstream\u001b[2JGXP") });
        list.add(new String[] { "DEL in a header", v.replace("GXP2140 1.0", "GXP2140\u007f1.0") });
        list.add(new String[] { "two Content-Lengths", v.replace("Content-Length: 0\r\n", "Content-Length: 0\r\nContent-Length: 5\r\n") });
        list.add(new String[] { "two CSeqs", v.replace("CSeq: 20000 SUBSCRIBE\r\n", "CSeq: 20000 SUBSCRIBE\r\nCSeq: 20001 SUBSCRIBE\r\n") });
        list.add(new String[] { "two Call-IDs", v.replace("Call-ID: " + id + "\r\n", "Call-ID: " + id + "\r\ni: other" + id + "\r\n") });
        list.add(new String[] { "empty Call-ID", v.replace("Call-ID: " + id + "\r\n", "Call-ID: \r\n") });
        list.add(new String[] { "two spaces in the request line", v.replace("SUBSCRIBE sip:", "SUBSCRIBE  sip:") });
        list.add(new String[] { "unclosed quote in Event", v.replace("model=\"GXP2140\"", "model=\"GXP2140") });
        list.add(new String[] { "no From", v.replace("From: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=1692014507\r\n", "") });
        list.add(new String[] { "CSeq of another method", v.replace("CSeq: 20000 SUBSCRIBE", "CSeq: 1 INVITE") });
        list.add(new String[] { "Via port 99999", v.replace("Via: SIP/2.0/UDP 127.0.0.1:" + phone.getLocalPort(), "Via: SIP/2.0/UDP 127.0.0.1:99999") });
        list.add(new String[] { "no CSeq", v.replace("CSeq: 20000 SUBSCRIBE\r\n", "") });
        list.add(new String[] { "Content-Length beyond the body", v.replace("Content-Length: 0", "Content-Length: 999") });
        list.add(new String[] { "negative CSeq", v.replace("CSeq: 20000", "CSeq: -1") });
        list.add(new String[] { "header line without a colon", v.replace("User-Agent: ", "User-Agent ") });
        list.add(new String[] { "no empty line", v.substring(0, v.length() - 2) });
        return list;
    }

    List<String[]> validUnusual(String id) {
        String v = valid(id);
        List<String[]> list = new ArrayList<>();
        list.add(new String[] { "folded Event", v.replace(";model=\"GXP2140\"", ";\r\n  model=\"GXP2140\"") });
        list.add(new String[] { "odd case of names", v.replace("Call-ID:", "cAlL-iD:").replace("CSeq:", "cseq:").replace("Event:", "EVENT:") });
        list.add(new String[] { "compact forms", v.replace("Via:", "v:").replace("From:", "f:").replace("To:", "t:")
                .replace("Call-ID:", "i:").replace("Contact:", "m:").replace("Event:", "o:").replace("Content-Length:", "l:") });
        list.add(new String[] { "escaped URI", v.replace("sip:MAC%3A000B82273B89@224.0.1.75 SIP", "sip:MAC%3A000B82273B89;x=%41@224.0.1.75 SIP") });
        list.add(new String[] { "long values", v.replace("Content-Length", "X-Long: " + "b".repeat(3000) + "\r\nContent-Length") });
        list.add(new String[] { "unknown headers", v.replace("Content-Length", "X-Unknown: ;;,,\"quoted\"\r\nNewFangled: value\r\nContent-Length") });
        list.add(new String[] { "blanks around the colon", v.replace("Call-ID: ", "Call-ID   :   ") });
        list.add(new String[] { "UTF-8 display name", v.replace("From: <", "From: \"J\u00fcrgen \\\"x\\\"\" <") });
        list.add(new String[] { "bytes past Content-Length", v + "junk" });
        return list;
    }

    void send(String text, String to) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        phone.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(to), PORT));
    }

    /** Everything received up to the answer with this Call-ID (bounded: 50 datagrams, 10 s each). */
    List<String> receiveUntil(String marker) throws Exception {
        return receiveUntil(marker, 50);
    }

    List<String> receiveUntil(String marker, int max) throws Exception {
        List<String> got = new ArrayList<>();
        phone.setSoTimeout(10_000);
        for (int i = 0; i < max; i++) {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            phone.receive(p);
            String m = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            got.add(m);
            if (m.contains("Call-ID: " + marker + "\r\n") && m.contains("CSeq: 20000 SUBSCRIBE")) {
                return got;
            }
        }
        throw new AssertionError("no answer for " + marker + " among " + got.subList(0, Math.min(got.size(), 50)));
    }

    /** Reads until the answer with this Call-ID (true) or a silence of {@code silenceMillis} (false). */
    boolean answeredWithin(String marker, int max, int silenceMillis) throws Exception {
        phone.setSoTimeout(silenceMillis);
        try {
            for (int i = 0; i < max; i++) {
                DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                phone.receive(p);
                String m = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                if (m.contains("Call-ID: " + marker + "\r\n") && m.contains("CSeq: 20000 SUBSCRIBE")) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            // silence: the marker was not answered
        }
        return false;
    }

    String answerTo(List<String> answers, String callId) {
        String found = null;
        for (String a : answers) {
            if (a.contains(callId + "\r\n")) {
                found = a.substring(0, a.indexOf("\r\n"));
            }
        }
        return found;
    }

    @Test
    void invalidMessagesNeverGet200OnEitherPath() throws Exception {
        int n = 0;
        List<String> all = new ArrayList<>();
        for (String path : List.of(UNICAST, GROUP)) {
            for (int k = 0; k < invalid("").size(); k++) {
                String id = "bad" + (n++);
                String[] c = invalid(id).get(k);
                send(c[1], path);
                boolean version = path.equals(UNICAST) && c[0].equals("unknown version");
                String marker = "ok" + n;
                if (!version) {
                    send(valid(marker), UNICAST);
                }
                // answers overtake each other (the stack answers on several threads): wait for the 505 itself
                List<String> answers = receiveUntil(version ? id : marker);
                all.addAll(answers);
                String answer = answerTo(answers, id);
                if (path.equals(GROUP)) {
                    assertEquals(null, answer, c[0] + " on the group path: no answer");
                } else if (c[0].equals("unknown version")) {
                    assertTrue(answer != null && answer.startsWith("SIP/2.0 505"), c[0] + ": " + answer);
                } else {
                    assertTrue(answer == null || answer.startsWith("SIP/2.0 400"), c[0] + " on unicast: " + answer);
                }
            }
        }
        // the stack answers on several threads: an answer may come after the marker's, so read what is left
        phone.setSoTimeout(1000);
        try {
            for (int i = 0; i < 100; i++) {
                all.add(receiveAny(1000));
            }
        } catch (SocketTimeoutException e) {
            // all read
        }
        assertTrue(all.stream().noneMatch(a -> a.startsWith("SIP/2.0 200") && a.contains("Call-ID: bad")),
                "no invalid message got 200");
        int markers = n - 1;
        waitFor(() -> heard.size() >= markers);
        assertTrue(heard.stream().noneMatch(PhoneSighting::multicast), "only the markers (unicast) were recorded");
    }

    @Test
    void validUnusualMessagesGet200OnBothPaths() throws Exception {
        int n = 0;
        for (String path : List.of(UNICAST, GROUP)) {
            for (int k = 0; k < validUnusual("").size(); k++) {
                String id = "good" + (n++);
                String[] c = validUnusual(id).get(k);
                send(c[1], path);
                String answer = answerTo(receiveUntil(id), id);
                assertTrue(answer != null && answer.startsWith("SIP/2.0 200"), c[0] + " on " + path + ": " + answer);
            }
        }
    }

    @Test
    void thousandsOfMalformedDatagramsBarelyGrowTheLogAndAPhoneIsServedAfterwards() throws Exception {
        PrintStream original = System.err;
        AtomicLong logged = new AtomicLong();
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                logged.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                logged.addAndGet(len);
            }
        }, true));
        int sent = 0;
        try {
            List<String[]> kinds = invalid("flood");
            for (String[] kind : kinds) {
                byte[] padded = kind[1].getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 2000; i++) {
                    phone.send(new DatagramPacket(padded, padded.length, InetAddress.getByName(i % 2 == 0 ? UNICAST : GROUP), PORT));
                    sent++;
                    if (i % 200 == 199) {
                        drain(); // keep the socket's buffer from dropping answers we do not read
                    }
                }
            }
            // The kernel drops what arrives while the server's receive buffer is full (a slow machine may still be
            // working through the flood), so the marker is sent again until it is answered (bounded: 30 tries).
            boolean answered = false;
            for (int attempt = 0; attempt < 30 && !answered; attempt++) {
                send(valid("after"), UNICAST);
                answered = answeredWithin("after", 2 * sent, 3_000);
            }
            assertTrue(answered, "a valid SUBSCRIBE is answered after the flood");
        } finally {
            System.setErr(original);
        }
        assertTrue(logged.get() < 100_000, sent + " malformed datagrams logged " + logged.get() + " bytes");
        waitFor(() -> heard.stream().anyMatch(s -> s.sourcePort() == phone.getLocalPort()));
        PhoneSighting to = new PhoneSighting(MacAddress.parse("000B82273B89").orElseThrow(), "Grandstream", "GXP2140",
                "1", "", UNICAST, phone.getLocalPort(), UNICAST, phone.getLocalPort(), "lo", UNICAST, false, Instant.now());
        var outcome = service.notify(to, "http://127.0.0.1/p/tok/cfg", Rendering.APPLICATION_URL).toCompletableFuture();
        String notify = null;
        for (int i = 0; i < 50 && notify == null; i++) {
            String m = receiveAny();
            if (m.startsWith("NOTIFY ")) {
                notify = m;
            }
        }
        assertTrue(notify != null, "the phone is sent its NOTIFY after the flood");
        phone.send(answer(notify));
        NotifyOutcome o = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(o.accepted(), o.toString());
        assertFalse(heard.stream().anyMatch(s -> s.multicast()), "nothing malformed was recorded");
    }

    String receiveAny() throws Exception {
        return receiveAny(10_000);
    }

    String receiveAny(int timeoutMillis) throws Exception {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        phone.setSoTimeout(timeoutMillis);
        phone.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    void drain() throws Exception {
        phone.setSoTimeout(1);
        try {
            for (int i = 0; i < 10_000; i++) {
                phone.receive(new DatagramPacket(new byte[65536], 65536));
            }
        } catch (SocketTimeoutException e) {
            // drained
        }
    }

    DatagramPacket answer(String notify) throws Exception {
        String a = "SIP/2.0 200 OK\r\nVia: " + SipComponentTest.header(notify, "Via") + "\r\nFrom: "
                + SipComponentTest.header(notify, "From") + "\r\nTo: " + SipComponentTest.header(notify, "To")
                + ";tag=ph\r\nCall-ID: " + SipComponentTest.header(notify, "Call-ID") + "\r\nCSeq: "
                + SipComponentTest.header(notify, "CSeq") + "\r\nContent-Length: 0\r\n\r\n";
        byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
        return new DatagramPacket(bytes, bytes.length, InetAddress.getByName(UNICAST), PORT);
    }

    static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        SipComponentTest.waitFor(c);
    }
}
