package pnp.sip.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.PhoneInventory;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.Rendering;

/** The listener on a real UDP socket: answers, silences, floods, NOTIFYs. */
class SipComponentTest {

    static final int PORT = 25060;
    static final Map<String, Object> SETTINGS = Map.of("address", "127.0.0.1", "port", PORT, "multicast", false,
            "burst", 5, "subscribesPerSecond", 0.01);
    /** How long a receive waits for an answer: generous, a loaded CI machine may take seconds (JIT, class loading). */
    static final int ANSWER_TIMEOUT_MILLIS = 10_000;
    final List<PhoneSighting> heard = new CopyOnWriteArrayList<>();
    SipComponent service;
    DatagramSocket phone;

    static SipComponent.Config config(Map<String, Object> values) {
        return (SipComponent.Config) Proxy.newProxyInstance(SipComponent.Config.class.getClassLoader(),
                new Class<?>[] { SipComponent.Config.class }, (p, m, a) -> values.containsKey(m.getName())
                        ? values.get(m.getName()) : m.getDefaultValue());
    }

    @BeforeEach
    void start() throws Exception {
        PhoneInventory inventory = ResyncSenderTest.inventory(heard);
        service = new SipComponent(inventory, config(SETTINGS));
        phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        phone.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        service.deactivate();
        phone.close();
    }

    String subscribe(String callId, String event) {
        int port = phone.getLocalPort();
        return "SUBSCRIBE sip:MAC%3A000B82273B89@224.0.1.75 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK" + callId + ";rport\r\n"
                + "From: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=1692014507\r\n"
                + "To: <sip:MAC%3A000B82273B89@224.0.1.75>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 20000 SUBSCRIBE\r\n"
                + "Contact: <sip:127.0.0.1:" + port + ">\r\n"
                + "User-Agent: Grandstream GXP2140 1.0.11.16\r\n"
                + "Expires: 0\r\n"
                + "Event: " + event + "\r\n"
                + "Accept: application/url\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    String options(String callId) {
        int port = phone.getLocalPort();
        return "OPTIONS sip:127.0.0.1:" + PORT + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK" + callId
                + "\r\nFrom: <sip:x@127.0.0.1>;tag=9\r\nTo: <sip:127.0.0.1>\r\nCall-ID: " + callId
                + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    void send(String text) throws Exception {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws Exception {
        phone.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), PORT));
    }

    String receive() throws Exception {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        phone.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends a request again, as a phone does (RFC 3261 timer E: 500 ms, doubling), until an answer comes.
     * Four retransmissions at most (7.5 s of waiting): with the original they stay within the burst of 5,
     * past which the flood limit would drop them.
     */
    String retransmitUntilAnswered(String request) throws Exception {
        try {
            for (int wait = 500; wait <= 4000; wait *= 2) {
                send(request);
                phone.setSoTimeout(wait);
                try {
                    return receive();
                } catch (java.net.SocketTimeoutException e) {
                    // not answered yet: send it again
                }
            }
            throw new AssertionError("retransmission never answered");
        } finally {
            phone.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
        }
    }

    /** Collects messages until one carries the marker Call-ID. */
    List<String> receiveUntil(String marker) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String m = receive();
            got.add(m);
            if (m.contains("Call-ID: " + marker)) {
                return got;
            }
        }
        throw new AssertionError("no answer carrying " + marker + " among " + got);
    }

    @Test
    void answersPnpSubscribeWith200AndExpiresZero() throws Exception {
        send(subscribe("c1", "ua-profile;profile-type=\"device\";vendor=\"Grandstream\";model=\"GXP2140\";version=\"1.0.11.16\""));
        String r = receive();
        assertTrue(r.startsWith("SIP/2.0 200 OK"), r);
        assertTrue(r.contains("Expires: 0"), r);
        assertTrue(r.matches("(?s).*To: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=\\w+.*"), r);
        waitFor(() -> heard.size() == 1);
        PhoneSighting s = heard.get(0);
        assertEquals("000b82273b89", s.mac().value());
        assertEquals("GXP2140", s.model());
        assertEquals(phone.getLocalPort(), s.contactPort());
    }

    @Test
    void anEventHeaderTheStackCannotParseIsReadLiberallyOnUnicastToo() throws Exception {
        // Gigaset firmware separates the Event parameters with blanks: JAIN-SIP's parser rejects the header
        send(subscribe("c1g", "ua-profile;profile-type=\"device\" vendor=\"OEM\" model=\"N720\" version=\"1.0\""));
        String r = receive();
        assertTrue(r.startsWith("SIP/2.0 200 OK"), r);
        waitFor(() -> heard.size() == 1);
        assertEquals("OEM", heard.get(0).vendor());
        assertEquals("N720", heard.get(0).model());
        send(subscribe("c1h", "presence watcher=\"x\" y"));
        r = receive();
        assertTrue(r.startsWith("SIP/2.0 489"), "an unreadable Event of another package is still refused: " + r);
    }

    @Test
    void retransmissionIsAnsweredButCountedOnce() throws Exception {
        String sub = subscribe("c2", "ua-profile;vendor=\"Grandstream\"");
        send(sub);
        assertTrue(receive().startsWith("SIP/2.0 200"));
        assertTrue(retransmitUntilAnswered(sub).startsWith("SIP/2.0 200"));
        send(options("mark2"));
        receiveUntil("mark2");
        waitFor(() -> !heard.isEmpty());
        assertEquals(1, heard.size());
    }

    @Test
    void otherEventsAndMethodsGetTheirErrors() throws Exception {
        send(subscribe("c3", "presence"));
        String r = receive();
        assertTrue(r.startsWith("SIP/2.0 489"), r);
        send(options("c4"));
        r = receive();
        assertTrue(r.startsWith("SIP/2.0 200"), r);
        assertTrue(r.contains("Allow: SUBSCRIBE"), r);
        send(options("c5").replace("OPTIONS", "INVITE"));
        r = receive();
        assertTrue(r.startsWith("SIP/2.0 405"), r);
        assertTrue(heard.isEmpty());
    }

    static java.util.stream.Stream<String> hostileKinds() {
        return java.util.stream.Stream.of("truncated", "binary", "no headers", "60 KB of headers", "bad Content-Length",
                "empty");
    }

    byte[] hostile(String kind) {
        String good = subscribe("h1", "ua-profile;vendor=\"Grandstream\"");
        switch (kind) {
            case "truncated":
                return good.substring(0, 40).getBytes(StandardCharsets.ISO_8859_1);
            case "binary":
                byte[] binary = new byte[512];
                new java.util.Random(7).nextBytes(binary);
                return binary;
            case "no headers":
                return "SUBSCRIBE sip:x@y SIP/2.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            case "60 KB of headers":
                StringBuilder huge = new StringBuilder(good.substring(0, good.indexOf("Content-Length")));
                for (int i = 0; huge.length() < 60_000; i++) {
                    huge.append("X-Pad-").append(i).append(": ").append("a".repeat(200)).append("\r\n");
                }
                return huge.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
            case "bad Content-Length":
                return good.replace("Content-Length: 0", "Content-Length: 999").getBytes(StandardCharsets.ISO_8859_1);
            default:
                return new byte[0];
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("hostileKinds")
    void hostileDatagramsGetNoAcceptanceAndTheListenerGoesOn(String kind) throws Exception {
        send(hostile(kind));
        send(options("alive"));
        List<String> answers = receiveUntil("alive");
        assertTrue(heard.isEmpty(), kind + " recorded a phone");
        send(subscribe("h0", "ua-profile;vendor=\"Grandstream\""));
        List<String> after = receiveUntil("h0");
        assertTrue(after.get(after.size() - 1).startsWith("SIP/2.0 200"), after.toString());
        // answers may overtake each other (the stack answers on several threads): a late answer to the
        // hostile datagram can come after the marker's, so look at everything received
        answers.addAll(after);
        for (String a : answers) {
            assertFalse(a.startsWith("SIP/2.0 200") && a.contains("Call-ID: h1"), kind + " accepted: " + a);
        }
    }

    @Test
    void anOversizedSubscribeIsRefusedWith513AndNotRecorded() throws Exception {
        send(hostile("60 KB of headers"));
        List<String> answers = receiveUntil("h1");
        String last = answers.get(answers.size() - 1);
        assertTrue(last.startsWith("SIP/2.0 513"), last);
        assertTrue(heard.isEmpty());
    }

    @Test
    void aFloodFromOneSourceIsCutOffAfterTheBurst() throws Exception {
        for (int i = 0; i < 20; i++) {
            send(subscribe("f" + i, "ua-profile;vendor=\"Grandstream\""));
        }
        // JAIN-SIP answers on several threads, so answers may overtake each other: first take the
        // five the burst allows, then a marker shows whether anything beyond them got through.
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 50 && answers.stream().filter(SipComponentTest::isSubscribeOk).count() < 5; i++) {
            answers.add(receive());
        }
        send(options("end"));
        answers.addAll(receiveUntil("end"));
        long ok = answers.stream().filter(SipComponentTest::isSubscribeOk).count();
        assertEquals(5, ok, "burst of 5 then nothing at 0.01/s");
    }

    private static boolean isSubscribeOk(String answer) {
        return answer.startsWith("SIP/2.0 200") && answer.contains("CSeq: 20000 SUBSCRIBE");
    }

    @Test
    void notifyGoesToTheContactAndReportsTheAnswer() throws Exception {
        PhoneSighting to = new PhoneSighting(MacAddress.parse("000B82273B89").orElseThrow(), "Grandstream", "GXP2140",
                "1", "", "127.0.0.1", phone.getLocalPort(), "127.0.0.1", phone.getLocalPort(), "lo", "127.0.0.1", false,
                Instant.now());
        var outcome = service.notify(to, "http://127.0.0.1:5481/provisioning/tok/cfg000b82273b89",
                Rendering.APPLICATION_URL).toCompletableFuture();
        String n = receive();
        assertTrue(n.startsWith("NOTIFY sip:127.0.0.1:" + phone.getLocalPort()), n);
        assertTrue(n.contains("Event: ua-profile"), n);
        assertTrue(n.contains("Subscription-State: terminated;reason=timeout"), n);
        assertTrue(n.contains("Content-Type: application/url"), n);
        assertTrue(n.contains("Via: SIP/2.0/UDP 127.0.0.1:" + PORT), "explicit port in our Via: " + n);
        assertTrue(n.endsWith("\r\n\r\nhttp://127.0.0.1:5481/provisioning/tok/cfg000b82273b89"), n);
        String via = header(n, "Via"), from = header(n, "From"), toH = header(n, "To"), call = header(n, "Call-ID"),
                cseq = header(n, "CSeq");
        send("SIP/2.0 200 OK\r\nVia: " + via + "\r\nFrom: " + from + "\r\nTo: " + toH + ";tag=ph\r\nCall-ID: " + call
                + "\r\nCSeq: " + cseq + "\r\nContent-Length: 0\r\n\r\n");
        NotifyOutcome o = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(o.accepted(), o.toString());
        assertEquals(200, o.statusCode());
    }

    @Test
    void theNotifyUsesTheSubscribesDialogOnceAndALaterOneGoesOutOfIt() throws Exception {
        send(subscribe("dlg1", "ua-profile;vendor=\"Grandstream\";model=\"GXP2140\""));
        assertTrue(receive().startsWith("SIP/2.0 200 OK"));
        waitFor(() -> heard.size() == 1);
        var first = notifyTestPhone();
        String n1 = receive();
        assertEquals("dlg1", header(n1, "Call-ID"), "the first NOTIFY is inside the SUBSCRIBE's dialog: " + n1);
        assertTrue(header(n1, "To").contains("tag=1692014507"), n1);
        answerAndExpectAccepted(n1, first);
        // that NOTIFY said terminated: the phone has closed the dialog, so the next (say, after a change of its
        // assignment, with no new SUBSCRIBE) must not reuse it
        var second = notifyTestPhone();
        String n2 = receive();
        assertNotEquals("dlg1", header(n2, "Call-ID"), n2);
        assertFalse(header(n2, "To").contains("tag="), "out of dialog: no To tag: " + n2);
        answerAndExpectAccepted(n2, second);
    }

    PhoneSighting sightingOfTestPhone() {
        return new PhoneSighting(MacAddress.parse("000B82273B89").orElseThrow(), "Grandstream", "GXP2140", "1", "",
                "127.0.0.1", phone.getLocalPort(), "127.0.0.1", phone.getLocalPort(), "lo", "127.0.0.1", false,
                Instant.now());
    }

    java.util.concurrent.CompletableFuture<NotifyOutcome> notifyTestPhone() {
        return service.notify(sightingOfTestPhone(), "http://127.0.0.1/p/tok/cfg", Rendering.APPLICATION_URL)
                .toCompletableFuture();
    }

    void answerAndExpectAccepted(String notify,
            java.util.concurrent.CompletableFuture<NotifyOutcome> outcome) throws Exception {
        send(answer(notify, "200 OK"));
        NotifyOutcome o = outcome.get(10, TimeUnit.SECONDS);
        assertTrue(o.accepted(), o.toString());
    }

    String answer(String notify, String status) {
        return "SIP/2.0 " + status + "\r\nVia: " + header(notify, "Via") + "\r\nFrom: " + header(notify, "From")
                + "\r\nTo: " + header(notify, "To") + ";tag=ph\r\nCall-ID: " + header(notify, "Call-ID") + "\r\nCSeq: "
                + header(notify, "CSeq") + "\r\nContent-Length: 0\r\n\r\n";
    }

    @Test
    void anUnansweredNotifyIsSentAgainAndTheAnswerToTheRetransmissionCounts() throws Exception {
        var outcome = notifyTestPhone();
        String first = receive();
        String again = receive(); // not answered: Timer E sends it again
        assertTrue(again.startsWith("NOTIFY "), again);
        assertEquals(header(first, "Via"), header(again, "Via"), "a retransmission keeps its branch");
        assertEquals(header(first, "CSeq"), header(again, "CSeq"));
        assertFalse(outcome.isDone());
        answerAndExpectAccepted(again, outcome);
    }

    @Test
    void aNotifyOnItsWayOutlivesARestartOfTheListenerOnTheSamePort() throws Exception {
        var outcome = notifyTestPhone();
        String first = receive();
        service.modified(config(SETTINGS)); // e.g. a limit edited in the console: the stack restarts
        String again = receive();
        assertEquals(header(first, "Via"), header(again, "Via"), "the same NOTIFY, sent by the new stack");
        answerAndExpectAccepted(again, outcome);
    }

    @Test
    void anErrorAnswerIsReportedAsSuch() throws Exception {
        var outcome = notifyTestPhone();
        String n = receive();
        send(answer(n, "481 Subscription Does Not Exist"));
        NotifyOutcome o = outcome.get(10, TimeUnit.SECONDS);
        assertFalse(o.accepted(), o.toString());
        assertEquals(481, o.statusCode());
    }

    @Test
    void aNotifyNeverAnsweredTimesOutAfterTimerF() throws Exception {
        service.timerFMillis(1200);
        var outcome = notifyTestPhone();
        NotifyOutcome o = outcome.get(20, TimeUnit.SECONDS);
        assertFalse(o.accepted(), o.toString());
        assertEquals(0, o.statusCode());
        assertTrue(o.detail().contains("timeout"), o.toString());
        List<String> sent = new ArrayList<>();
        phone.setSoTimeout(200);
        try {
            for (int i = 0; i < 20; i++) {
                sent.add(receive());
            }
        } catch (SocketTimeoutException e) {
            // all read
        }
        assertTrue(sent.size() >= 2 && sent.stream().allMatch(m -> m.startsWith("NOTIFY ")), sent.toString());
    }

    static String header(String msg, String name) {
        for (String line : msg.split("\r\n")) {
            if (line.startsWith(name + ": ")) {
                return line.substring(name.length() + 2);
            }
        }
        throw new AssertionError("no " + name + " in " + msg);
    }

    /** Polls until the condition holds, 10 s at most (counted in time, not in sleeps: a loaded machine oversleeps). */
    static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(20);
        }
        assertTrue(c.getAsBoolean());
    }

    @Test
    void receiveHelperTimesOutRatherThanHanging() throws Exception {
        assertTrue(phone.getSoTimeout() > 0, "every receive is bounded");
        phone.setSoTimeout(300); // nothing is coming: no need to wait the whole answer timeout
        org.junit.jupiter.api.Assertions.assertThrows(SocketTimeoutException.class, this::receive);
    }
}
