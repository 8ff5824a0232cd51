package pnp.sip.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import javax.sip.message.Request;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.PhoneSighting;
import pnp.sip.internal.SubscribeAnswerer.Answer;

/** The answering rules without a socket: parsed requests in, answer values out. */
class SubscribeAnswererTest {

    final Dialogs dialogs = new Dialogs();
    final RecentRequests recent = new RecentRequests();
    SubscribeAnswerer answerer = new SubscribeAnswerer(0.01, 3, "", recent, dialogs);

    static Request request(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return (Request) new SipMessageReader((s, c) -> { }).read(bytes);
    }

    static String subscribe(String callId, String event) {
        return "SUBSCRIBE sip:MAC%3A000B82273B89@224.0.1.75 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK" + callId + ";rport\r\n"
                + "From: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=1692014507\r\n"
                + "To: <sip:MAC%3A000B82273B89@224.0.1.75>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 20000 SUBSCRIBE\r\n"
                + "Contact: <sip:192.0.2.7:5062>\r\n"
                + "User-Agent: Grandstream GXP2140 1.0.11.16\r\n"
                + "Event: " + event + "\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    static final String PNP = "ua-profile;profile-type=\"device\";vendor=\"Grandstream\";model=\"GXP2140\";version=\"1.0.11.16\"";

    Answer unicast(String text) throws Exception {
        return answerer.answer(request(text), "192.0.2.7", 5060, "", "192.0.2.1", false);
    }

    Answer multicast(String text) throws Exception {
        return answerer.answer(request(text), "192.0.2.7", 5060, "eth0", "192.0.2.1", true);
    }

    @Test
    void aPnpSubscribeIsAcceptedWithATagAndASighting() throws Exception {
        Answer a = multicast(subscribe("c1", PNP));
        assertEquals(200, a.status());
        assertNotNull(a.toTag());
        PhoneSighting s = a.sighting();
        assertNotNull(s);
        assertEquals("000b82273b89", s.mac().value());
        assertEquals("Grandstream", s.vendor());
        assertEquals("GXP2140", s.model());
        assertEquals("192.0.2.7", s.contactHost());
        assertEquals(5062, s.contactPort());
        assertEquals("eth0", s.interfaceName());
        assertEquals("192.0.2.1", s.localAddress(), "our address on the interface when none is advertised");
        assertEquals(true, s.multicast());
    }

    @Test
    void theAdvertisedHostReplacesOurAddress() throws Exception {
        answerer = new SubscribeAnswerer(20, 40, "pnp.example", recent, dialogs);
        assertEquals("pnp.example", unicast(subscribe("c1", PNP)).sighting().localAddress());
    }

    @Test
    void aRetransmissionIsAnsweredWithTheSameTagButIsNoNewSighting() throws Exception {
        Answer first = unicast(subscribe("c2", PNP));
        Answer again = unicast(subscribe("c2", PNP));
        assertEquals(200, again.status());
        assertEquals(first.toTag(), again.toTag());
        assertNull(again.sighting());
    }

    @Test
    void theSubscribesDialogIsKeptForTheNotify() throws Exception {
        Answer a = unicast(subscribe("dlg", PNP));
        MacAddress mac = MacAddress.parse("000B82273B89").orElseThrow();
        assertNull(dialogs.take(mac, "192.0.2.99", 5062), "another contact: out of dialog");
        unicast(subscribe("dlg2", PNP));
        Dialogs.Dialog d = dialogs.take(mac, "192.0.2.7", 5062);
        assertNotNull(d);
        assertEquals("dlg2", d.callId());
        assertEquals("1692014507", d.phoneTag());
        assertNull(dialogs.take(mac, "192.0.2.7", 5062), "a dialog is used once");
        assertNotNull(a.toTag());
    }

    @Test
    void anotherEventPackageGets489() throws Exception {
        Answer a = unicast(subscribe("c3", "presence"));
        assertEquals(489, a.status());
        assertNull(a.sighting());
        assertEquals(489, multicast(subscribe("c4", "presence")).status());
    }

    @Test
    void aSubscribeWithoutMacIsAnsweredButNotRecorded() throws Exception {
        Answer a = unicast(subscribe("c5", PNP).replace("MAC%3A000B82273B89", "phone")
                .replace("User-Agent: Grandstream GXP2140 1.0.11.16", "User-Agent: AudioCodes 400HD"));
        assertEquals(200, a.status());
        assertNull(a.sighting());
    }

    @Test
    void pastTheBurstASourceIsDropped() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, unicast(subscribe("f" + i, PNP)).status());
        }
        assertSame(Answer.NONE, unicast(subscribe("f3", PNP)));
        assertEquals(200, answerer.answer(request(subscribe("f4", PNP)), "192.0.2.8", 5060, "", "192.0.2.1", false)
                .status(), "another source is not limited");
    }

    @Test
    void anOversizedSubscribeGets513OnUnicastAndSilenceOnTheGroup() throws Exception {
        String big = subscribe("big", PNP).replace("Content-Length: 0\r\n",
                "X-Pad: " + "a".repeat(SubscribeAnswerer.MAX_SUBSCRIBE_BYTES) + "\r\nContent-Length: 0\r\n");
        assertEquals(513, unicast(big).status());
        assertNull(unicast(big).sighting());
        assertSame(Answer.NONE, multicast(big));
    }

    @Test
    void optionsIsAnsweredOtherMethodsRefusedOnUnicastOnly() throws Exception {
        String options = "OPTIONS sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKo\r\n"
                + "From: <sip:x@192.0.2.7>;tag=9\r\nTo: <sip:192.0.2.1>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
        assertEquals(200, unicast(options).status());
        String invite = options.replace("OPTIONS", "INVITE");
        assertEquals(405, unicast(invite).status());
        assertSame(Answer.NONE, multicast(invite));
        assertSame(Answer.NONE, unicast(invite.replace("INVITE", "ACK")));
    }
}
