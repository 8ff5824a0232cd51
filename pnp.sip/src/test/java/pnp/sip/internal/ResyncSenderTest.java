package pnp.sip.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static pnp.sip.internal.SipComponentTest.config;
import static pnp.sip.internal.SipComponentTest.header;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pnp.api.Assignment;
import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneInventory;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.Rendering;
import pnp.api.ResyncEvent;
import pnp.api.ResyncOutcome;
import pnp.api.ResyncRequest;
import pnp.api.SipCredentials;

/**
 * The built-in resync sender on real UDP sockets, the test playing the phone: 200, 401 then 200 with the digest
 * checked here, 407, a second 401, 481, silence, a stack that cannot listen; and a phone that rebooted while its
 * PnP NOTIFY was on its way.
 */
class ResyncSenderTest {

    static final int PORT = 25070;
    static final Map<String, Object> SETTINGS = Map.of("address", "127.0.0.1", "port", PORT, "multicast", false);
    static final MacAddress MAC = MacAddress.parse("000B82273B89").orElseThrow();
    static final String PASSWORD = "s3cret-Pa55";
    static final String OLD_PASSWORD = "0ld-s3cret";
    static final String REALM = "phone-realm";

    final List<PhoneSighting> heard = new CopyOnWriteArrayList<>();
    SipComponent sip;
    SipResyncSender sender;
    DatagramSocket phone;

    @BeforeEach
    void start() throws Exception {
        sip = new SipComponent(inventory(heard), config(SETTINGS));
        sender = new SipResyncSender(sip);
        phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        phone.setSoTimeout(SipComponentTest.ANSWER_TIMEOUT_MILLIS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        sip.deactivate();
        phone.close();
    }

    @Test
    void aNotifyAnswered200IsAccepted() throws Exception {
        var outcome = resync(new ResyncEvent("check-sync;reboot=false", false, false, false));
        String n = receive();
        assertTrue(n.startsWith("NOTIFY sip:201@127.0.0.1:" + phone.getLocalPort() + " SIP/2.0\r\n"), n);
        assertEquals("check-sync;reboot=false", header(n, "Event"));
        assertEquals("terminated", header(n, "Subscription-State"));
        assertEquals("0", header(n, "Content-Length"));
        assertFalse(n.contains("Content-Type:"), "no body, as PBXs send check-sync: " + n);
        assertFalse(header(n, "To").contains("tag="), "out of any dialog: " + n);
        assertTrue(header(n, "Via").startsWith("SIP/2.0/UDP 127.0.0.1:" + PORT + ";"), n);
        assertEquals("1 NOTIFY", header(n, "CSeq"));
        send(answer(n, "200 OK"));
        assertEquals(ResyncOutcome.accepted(200, "200 OK"), outcome.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aChallengeIsAnsweredOnceWithTheDigestOfTheAuthIdAndNoPasswordIsLogged() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err
        try {
            var outcome = resync(new ResyncEvent("resync", true, true, false));
            String first = receive();
            assertFalse(first.contains("Authorization:"), first);
            send(challenge(first, "401 Unauthorized", "WWW-Authenticate", "qop=\"auth,auth-int\", opaque=\"op4\", "));
            String second = receiveNotRetransmissionOf(first);
            assertEquals(header(first, "Call-ID"), header(second, "Call-ID"), "the same call, RFC 3261 22.2");
            assertEquals("2 NOTIFY", header(second, "CSeq"));
            assertNotEquals(header(first, "Via"), header(second, "Via"), "a new transaction");
            String authorization = header(second, "Authorization");
            assertTrue(authorization.contains("qop=auth,") || authorization.endsWith("qop=auth"),
                    "qop is a token, unquoted (RFC 2617 3.2.2): " + authorization);
            assertTrue(authorization.matches(".*\\bnc=00000001\\b.*"), "nc unquoted: " + authorization);
            Map<String, String> auth = digestParameters(authorization);
            assertEquals("auth-201", auth.get("username"), "the assignment's authentication id");
            assertEquals(REALM, auth.get("realm"));
            assertEquals("auth", auth.get("qop"));
            assertEquals("00000001", auth.get("nc"));
            assertEquals("op4", auth.get("opaque"));
            assertTrue(auth.get("cnonce").length() >= 16, auth.toString());
            assertEquals("sip:201@127.0.0.1:" + phone.getLocalPort(), auth.get("uri"));
            assertEquals(expectedResponse(auth, "NOTIFY"), auth.get("response"), "RFC 2617 digest with qop=auth");
            assertFalse(second.contains(PASSWORD), second);
            send(answer(second, "200 OK"));
            assertEquals(ResyncOutcome.accepted(200, "200 OK"), outcome.get(10, TimeUnit.SECONDS));
        } finally {
            System.setErr(err);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        System.err.print(logged);
        assertTrue(logged.contains("Resync NOTIFY (resync) to phone 000b82273b89"), logged);
        assertFalse(logged.contains(PASSWORD), "the password is never logged");
    }

    @Test
    void aChallengeIsAnsweredWithTheCredentialsThePhoneHoldsNotThoseOfItsEditedAssignment() throws Exception {
        ResyncRequest edited = request(ResyncEvent.checkSync(false));
        ResyncRequest withOld = new ResyncRequest(edited.phone(), edited.assignment(), edited.event(),
                edited.contactHost(), edited.contactPort(), new SipCredentials("auth-200", OLD_PASSWORD));
        var outcome = sender.send(withOld).toCompletableFuture();
        String first = receive();
        assertTrue(first.startsWith("NOTIFY sip:201@"), "addressed to the line as assigned now: " + first);
        send(challenge(first, "401 Unauthorized", "WWW-Authenticate", "qop=\"auth\", "));
        String second = receiveNotRetransmissionOf(first);
        Map<String, String> auth = digestParameters(header(second, "Authorization"));
        assertEquals("auth-200", auth.get("username"), "the authentication id in the phone's file");
        assertEquals(expectedResponse(auth, "NOTIFY", OLD_PASSWORD), auth.get("response"),
                "the digest of the password in the phone's file");
        assertNotEquals(expectedResponse(auth, "NOTIFY", PASSWORD), auth.get("response"));
        assertFalse(second.contains(OLD_PASSWORD), second);
        send(answer(second, "200 OK"));
        assertTrue(outcome.get(10, TimeUnit.SECONDS).accepted());
    }

    @Test
    void aChallengeWithoutQopAndAProxyChallengeAreAnsweredToo() throws Exception {
        var outcome = resync(ResyncEvent.checkSync(false));
        String first = receive();
        send(challenge(first, "401 Unauthorized", "WWW-Authenticate", ""));
        String second = receiveNotRetransmissionOf(first);
        Map<String, String> auth = digestParameters(header(second, "Authorization"));
        assertFalse(auth.containsKey("qop"), auth.toString());
        assertEquals(expectedResponse(auth, "NOTIFY"), auth.get("response"), "RFC 2069 form: no qop, no nc");
        send(answer(second, "200 OK"));
        assertTrue(outcome.get(10, TimeUnit.SECONDS).accepted());

        var proxied = resync(ResyncEvent.checkSync(false));
        first = receive();
        send(challenge(first, "407 Proxy Authentication Required", "Proxy-Authenticate", "qop=\"auth\", "));
        second = receiveNotRetransmissionOf(first);
        auth = digestParameters(header(second, "Proxy-Authorization"));
        assertEquals(expectedResponse(auth, "NOTIFY"), auth.get("response"));
        send(answer(second, "200 OK"));
        assertTrue(proxied.get(10, TimeUnit.SECONDS).accepted());
    }

    @Test
    void aSecondChallengeMeansThePhoneDemandsAuthentication() throws Exception {
        var outcome = resync(ResyncEvent.checkSync(false));
        String first = receive();
        send(challenge(first, "401 Unauthorized", "WWW-Authenticate", "qop=\"auth\", "));
        String second = receiveNotRetransmissionOf(first);
        send(challenge(second, "401 Unauthorized", "WWW-Authenticate", "qop=\"auth\", "));
        ResyncOutcome o = outcome.get(10, TimeUnit.SECONDS);
        assertEquals(ResyncOutcome.Result.DEMANDS_AUTHENTICATION, o.result(), o.toString());
        assertEquals(401, o.statusCode());
        assertTrue(o.detail().startsWith("401 Unauthorized again"), o.detail());
        assertNoMoreNotifyWith("3 NOTIFY"); // answered once, never a third time
    }

    @Test
    void aChallengeWithAnUnknownAlgorithmIsNotAnswered() throws Exception {
        var outcome = resync(ResyncEvent.checkSync(false));
        String first = receive();
        send(answer(first, "401 Unauthorized").replace("Content-Length: 0", "WWW-Authenticate: Digest realm=\"r\", "
                + "nonce=\"n\", algorithm=SHA-512-256\r\nContent-Length: 0"));
        ResyncOutcome o = outcome.get(10, TimeUnit.SECONDS);
        assertEquals(ResyncOutcome.Result.DEMANDS_AUTHENTICATION, o.result(), o.toString());
        assertTrue(o.detail().contains("SHA-512-256"), o.detail());
    }

    @Test
    void anErrorAnswerIsRejectedWithItsStatus() throws Exception {
        var outcome = resync(ResyncEvent.checkSync(false));
        send(answer(receive(), "481 Call/Transaction Does Not Exist"));
        assertEquals(ResyncOutcome.rejected(481, "481 Call/Transaction Does Not Exist"),
                outcome.get(10, TimeUnit.SECONDS));
    }

    @Test
    void silenceIsNoAnswerAfterRetransmissions() throws Exception {
        sip.timerFMillis(2500);
        var outcome = resync(ResyncEvent.checkSync(false));
        ResyncOutcome o = outcome.get(20, TimeUnit.SECONDS);
        assertEquals(ResyncOutcome.Result.NO_ANSWER, o.result(), o.toString());
        assertEquals(0, o.statusCode());
        List<String> got = drain(300);
        assertTrue(got.size() >= 2, "Timer E sent it again: " + got.size());
        assertTrue(got.stream().allMatch(m -> header(m, "Via").equals(header(got.get(0), "Via"))),
                "retransmissions keep their branch");
    }

    @Test
    void aStackThatCannotListenSendsNothing() throws Exception {
        SipComponent elsewhere = new SipComponent(inventory(heard), config(Map.of("address", "192.0.2.1", "port", PORT,
                "multicast", false))); // TEST-NET: not an address of this machine
        try {
            ResyncOutcome o = new SipResyncSender(elsewhere).send(request(ResyncEvent.checkSync(false)))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(ResyncOutcome.Result.NOT_SENT, o.result(), o.toString());
            assertTrue(o.detail().startsWith("SIP stack is not listening"), o.detail());
        } finally {
            elsewhere.deactivate();
        }
    }

    /**
     * A phone heard, then assigned, reboots while its NOTIFY is still being retransmitted and SUBSCRIBEs from a
     * new port: the pending NOTIFY ends at once as superseded (the inventory heard the new SUBSCRIBE first),
     * and is no longer sent to the old contact.
     */
    @Test
    void aNewerSubscribeFromAnotherPortSupersedesThePendingNotify() throws Exception {
        try (DatagramSocket rebooted = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            rebooted.setSoTimeout(SipComponentTest.ANSWER_TIMEOUT_MILLIS);
            sendFrom(phone, subscribe("boot1", phone.getLocalPort()));
            assertTrue(receiveOn(phone).startsWith("SIP/2.0 200"));
            SipComponentTest.waitFor(() -> heard.size() == 1);
            CompletableFuture<NotifyOutcome> first = sip.notify(heard.get(0), "http://127.0.0.1/p/t/cfg",
                    Rendering.APPLICATION_URL).toCompletableFuture();
            List<Integer> heardWhenItEnded = new CopyOnWriteArrayList<>();
            first.whenComplete((o, f) -> heardWhenItEnded.add(heard.size()));
            String n = receiveOn(phone);
            assertTrue(n.startsWith("NOTIFY "), n); // not answered: the phone is rebooting

            sendFrom(rebooted, subscribe("boot2", rebooted.getLocalPort()));
            assertTrue(receiveOn(rebooted).startsWith("SIP/2.0 200"));
            NotifyOutcome o = first.get(10, TimeUnit.SECONDS); // long before Timer F (32 s)
            drain(300); // what Timer E resent before it ended
            assertFalse(o.accepted());
            assertTrue(o.detail().startsWith("superseded: the phone subscribed again from 127.0.0.1:"
                    + rebooted.getLocalPort()), o.detail());
            assertEquals(List.of(2), heardWhenItEnded, "the inventory knew the new contact before the NOTIFY ended");

            // the new NOTIFY (the inventory's job) goes to the new contact, inside the new SUBSCRIBE's dialog
            var second = sip.notify(heard.get(1), "http://127.0.0.1/p/t/cfg", Rendering.APPLICATION_URL)
                    .toCompletableFuture();
            String n2 = receiveOn(rebooted);
            assertEquals("boot2", header(n2, "Call-ID"), n2);
            sendFrom(rebooted, answer(n2, "200 OK"));
            assertTrue(second.get(10, TimeUnit.SECONDS).accepted());

            List<String> late = drain(2500); // past Timer E's next intervals: a live NOTIFY would have been resent
            assertTrue(late.stream().noneMatch(m -> m.startsWith("NOTIFY ")), "the old contact hears no more: " + late);
        }
    }

    /**
     * Anyone on the LAN can send a SUBSCRIBE naming a phone's MAC: one from another host does not end the
     * NOTIFY on its way to the phone (only a new port of the same host, a reboot, does).
     */
    @Test
    void aSubscribeFromAnotherHostSupersedesNothing() throws Exception {
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            stranger.setSoTimeout(SipComponentTest.ANSWER_TIMEOUT_MILLIS);
            sendFrom(phone, subscribe("real1", phone.getLocalPort()));
            assertTrue(receiveOn(phone).startsWith("SIP/2.0 200"));
            SipComponentTest.waitFor(() -> heard.size() == 1);
            var first = sip.notify(heard.get(0), "http://127.0.0.1/p/t/cfg", Rendering.APPLICATION_URL)
                    .toCompletableFuture();
            String n = receiveOn(phone);
            assertTrue(n.startsWith("NOTIFY "), n);
            sendFrom(stranger, subscribe("fake1", stranger.getLocalPort()).replace("127.0.0.1:", "127.0.0.2:"));
            assertTrue(receiveOn(stranger).startsWith("SIP/2.0 200"));
            SipComponentTest.waitFor(() -> heard.size() == 2);
            assertFalse(first.isDone(), "the stranger ended the phone's NOTIFY: " + first);
            send(answer(n, "200 OK"));
            assertTrue(first.get(10, TimeUnit.SECONDS).accepted());
        }
    }

    @Test
    void aSubscribeFromTheSameContactLetsThePendingNotifyGoOn() throws Exception {
        sendFrom(phone, subscribe("same1", phone.getLocalPort()));
        assertTrue(receiveOn(phone).startsWith("SIP/2.0 200"));
        SipComponentTest.waitFor(() -> heard.size() == 1);
        var first = sip.notify(heard.get(0), "http://127.0.0.1/p/t/cfg", Rendering.APPLICATION_URL)
                .toCompletableFuture();
        String n = receiveOn(phone);
        sendFrom(phone, subscribe("same2", phone.getLocalPort()));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5 && got.stream().noneMatch(m -> m.startsWith("NOTIFY ")); i++) {
            got.add(receiveOn(phone)); // its 200, then the NOTIFY again (Timer E)
        }
        assertFalse(first.isDone(), "still on its way: " + first);
        send(answer(n, "200 OK"));
        assertTrue(first.get(10, TimeUnit.SECONDS).accepted());
    }

    // ---- the phone's side ----

    CompletableFuture<ResyncOutcome> resync(ResyncEvent event) {
        return sender.send(request(event)).toCompletableFuture();
    }

    ResyncRequest request(ResyncEvent event) {
        PhoneSighting seen = new PhoneSighting(MAC, "Grandstream", "GXP2140", "1", "", "127.0.0.1",
                phone.getLocalPort(), "127.0.0.1", phone.getLocalPort(), "lo", "127.0.0.1", false, Instant.now());
        Phone p = new Phone(MAC, seen, Instant.now(), 1, "Grandstream", "", true, "201", PhoneState.PROVISIONED,
                Instant.now(), "", null);
        Assignment a = new Assignment(MAC, "201", "201", "auth-201", PASSWORD, "Anna", "", 0, "", List.of(), List.of(),
                Map.of());
        return new ResyncRequest(p, a, event, "127.0.0.1", phone.getLocalPort());
    }

    String challenge(String request, String status, String header, String extra) {
        return answer(request, status).replace("Content-Length: 0", header + ": Digest realm=\"" + REALM + "\", "
                + extra + "nonce=\"" + Long.toHexString(System.nanoTime()) + "\", algorithm=MD5\r\nContent-Length: 0");
    }

    static String answer(String request, String status) {
        return "SIP/2.0 " + status + "\r\nVia: " + header(request, "Via") + "\r\nFrom: " + header(request, "From")
                + "\r\nTo: " + header(request, "To") + ";tag=ph\r\nCall-ID: " + header(request, "Call-ID")
                + "\r\nCSeq: " + header(request, "CSeq") + "\r\nContent-Length: 0\r\n\r\n";
    }

    /** RFC 2617 3.2.2.1, computed here from the phone's side with the password the phone knows. */
    static String expectedResponse(Map<String, String> auth, String method) throws Exception {
        return expectedResponse(auth, method, PASSWORD);
    }

    static String expectedResponse(Map<String, String> auth, String method, String password) throws Exception {
        String ha1 = md5(auth.get("username") + ":" + auth.get("realm") + ":" + password);
        String ha2 = md5(method + ":" + auth.get("uri"));
        return auth.containsKey("qop")
                ? md5(ha1 + ":" + auth.get("nonce") + ":" + auth.get("nc") + ":" + auth.get("cnonce") + ":"
                        + auth.get("qop") + ":" + ha2)
                : md5(ha1 + ":" + auth.get("nonce") + ":" + ha2);
    }

    static Map<String, String> digestParameters(String header) {
        assertTrue(header.startsWith("Digest "), header);
        Map<String, String> params = new HashMap<>();
        Matcher m = Pattern.compile("([A-Za-z-]+)=(\"([^\"]*)\"|[^,\\s]+)").matcher(header.substring(7));
        while (m.find()) {
            params.put(m.group(1).toLowerCase(), m.group(3) != null ? m.group(3) : m.group(2));
        }
        return params;
    }

    static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String subscribe(String callId, int port) {
        return "SUBSCRIBE sip:MAC%3A000B82273B89@224.0.1.75 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK" + callId + ";rport\r\n"
                + "From: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=" + callId + "\r\n"
                + "To: <sip:MAC%3A000B82273B89@224.0.1.75>\r\n"
                + "Call-ID: " + callId + "\r\nCSeq: 1 SUBSCRIBE\r\n"
                + "Contact: <sip:127.0.0.1:" + port + ">\r\n"
                + "Event: ua-profile;profile-type=\"device\";vendor=\"Grandstream\";model=\"GXP2140\"\r\n"
                + "Expires: 0\r\nContent-Length: 0\r\n\r\n";
    }

    void send(String text) throws Exception {
        sendFrom(phone, text);
    }

    static void sendFrom(DatagramSocket socket, String text) throws Exception {
        socket.send(packet(text));
    }

    static DatagramPacket packet(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), PORT);
    }

    String receive() throws Exception {
        return receiveOn(phone);
    }

    static String receiveOn(DatagramSocket socket) throws Exception {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    /** The next NOTIFY that is not a retransmission of {@code first} (Timer E may resend it meanwhile). */
    String receiveNotRetransmissionOf(String first) throws Exception {
        for (int i = 0; i < 10; i++) {
            String m = receive();
            if (!header(m, "Via").equals(header(first, "Via"))) {
                return m;
            }
        }
        throw new AssertionError("no new NOTIFY after " + first);
    }

    void assertNoMoreNotifyWith(String cseq) throws Exception {
        List<String> got = drain(1500);
        assertTrue(got.stream().noneMatch(m -> header(m, "CSeq").equals(cseq)), got.toString());
    }

    /** Everything still coming to the phone until it is quiet for {@code quietMillis} (at most 20 messages). */
    List<String> drain(int quietMillis) throws Exception {
        phone.setSoTimeout(quietMillis);
        List<String> got = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                got.add(receive());
            }
        } catch (SocketTimeoutException e) {
            // quiet
        }
        return got;
    }

    static PhoneInventory inventory(List<PhoneSighting> heard) {
        return new PhoneInventory() {
            @Override
            public void sighted(PhoneSighting s) {
                heard.add(s);
            }

            @Override
            public List<Phone> phones() {
                return List.of();
            }

            @Override
            public Optional<Phone> phone(MacAddress mac) {
                return Optional.empty();
            }

            @Override
            public boolean renotify(MacAddress mac) {
                return false;
            }

            @Override
            public boolean forget(MacAddress mac) {
                return false;
            }
        };
    }
}
