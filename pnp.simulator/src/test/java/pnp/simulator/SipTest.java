package pnp.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class SipTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress(ip("127.1.0.7"), 5060);
    private static final InetSocketAddress GROUP = new InetSocketAddress(ip("224.0.1.75"), 5060);
    private static final InetSocketAddress SERVER = new InetSocketAddress(ip("127.0.0.1"), 5070);

    private static InetAddress ip(String s) {
        return Options.address(s);
    }

    private static SipMessage parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return SipMessage.parse(b, 0, b.length);
    }

    private static SipMessage parse(byte[] b) {
        return SipMessage.parse(b, 0, b.length);
    }

    @Test
    void grandstreamSubscribeToTheGroupHasTheSeedsForm() {
        Sip.Subscribe s = Sip.Subscribe.of(Vendor.GRANDSTREAM, "000B82273B89", "GXP1628", "1.0.2.7", LOCAL, GROUP,
                true);
        String text = new String(Sip.subscribe(s), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("SUBSCRIBE sip:MAC%3A000B82273B89@224.0.1.75 SIP/2.0\r\n"), text);
        assertTrue(text.endsWith("\r\n\r\n"));
        SipMessage m = parse(text);
        assertEquals("SUBSCRIBE", m.method());
        assertEquals("ua-profile;profile-type=\"device\";vendor=\"Grandstream\";model=\"GXP1628\";version=\"1.0.2.7\"",
                m.header("Event"));
        assertEquals("ua-profile", m.eventPackage());
        assertEquals("true", m.header("X-Grandstream-PBX"));
        assertEquals("application/url", m.header("accept"));
        assertEquals("0", m.header("Expires"));
        assertEquals("<sip:MAC%3A000B82273B89@127.1.0.7:5060>", m.header("contact"));
        assertEquals("<sip:MAC%3A000B82273B89@224.0.1.75>", m.header("to"));
        assertEquals(s.fromTag(), SipMessage.parameter(m.header("from"), "tag"));
        assertTrue(m.header("via").startsWith("SIP/2.0/UDP 127.1.0.7:5060;branch=z9hG4bK"));
        assertEquals(s.callId(), m.header("call-id"));
        assertEquals("SUBSCRIBE", m.cseqMethod());
        assertEquals("Grandstream GXP1628 1.0.2.7", m.header("user-agent"));
        assertEquals("", m.body());
    }

    @Test
    void everyRetransmissionIsTheSameMessage() {
        Sip.Subscribe s = Sip.Subscribe.of(Vendor.ATCOM, "808287010203", "A20W", "2.0", LOCAL, GROUP, true);
        assertEquals(new String(Sip.subscribe(s), StandardCharsets.UTF_8),
                new String(Sip.subscribe(s), StandardCharsets.UTF_8));
        Sip.Subscribe other = Sip.Subscribe.of(Vendor.ATCOM, "808287010203", "A20W", "2.0", LOCAL, GROUP, true);
        assertFalse(other.callId().equals(s.callId()));
        assertFalse(other.branch().equals(s.branch()));
    }

    @Test
    void unicastNamesTheServersPort() {
        Sip.Subscribe s = Sip.Subscribe.of(Vendor.GRANDSTREAM, "000B82273B89", "GXP2140", "1", LOCAL, SERVER, false);
        SipMessage m = parse(Sip.subscribe(s));
        assertEquals("sip:MAC%3A000B82273B89@127.0.0.1:5070", m.requestUri());
    }

    @Test
    void vendorFormsOfTheProtocolNotes() {
        assertEquals("sip:MAC001565f4f9e1@224.0.1.75", uri(Vendor.YEALINK, "001565F4F9E1"));
        assertEquals("sip:MAC=00304fa99948@224.0.1.75", uri(Vendor.PLANET, "00304FA99948"));
        assertEquals("sip:MAC%3a00041387AB12@224.0.1.75", uri(Vendor.SNOM, "00041387ab12"));
        assertEquals("sip:MAC%3A808287010203@224.0.1.75", uri(Vendor.ATCOM, "808287010203"));
        assertEquals("sip:224.0.1.75", uri(Vendor.AUDIOCODES, "00908F000001"));
        SipMessage pana = parse(Sip.subscribe(
                Sip.Subscribe.of(Vendor.PANASONIC, "0080F0000001", "KX-HDV130", "01", LOCAL, GROUP, true)));
        assertTrue(pana.header("event").contains(";vender=\"Panasonic\""), pana.header("event"));
        SipMessage ac = parse(Sip.subscribe(
                Sip.Subscribe.of(Vendor.AUDIOCODES, "00908F000001", "400HD", "3", LOCAL, GROUP, true)));
        assertTrue(ac.header("event").contains("profile-type=\"application\""));
        assertEquals("<sip:127.1.0.7:5060>", ac.header("contact"));
    }

    private static String uri(Vendor v, String mac) {
        return parse(Sip.subscribe(Sip.Subscribe.of(v, mac, v.defaultModel(), "1", LOCAL, GROUP, true))).requestUri();
    }

    @Test
    void parsesCompactFoldedLowerCaseLfOnlyMessages() {
        SipMessage m = parse("NOTIFY sip:127.1.0.7:5060 SIP/2.0\n"
                + "v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\n"
                + "V: SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bK0\n"
                + "f: <sip:pnp@127.0.0.1>;tag=a\n"
                + "t: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=b\n"
                + "i: abc@127.1.0.7\n"
                + "cseq: 1 notify\n"
                + "o: ua-profile\n"
                + "subscription-state: terminated;\n"
                + "  reason=timeout\n"
                + "c: Application/URL\n"
                + "l: 56\n"
                + "\n"
                + "http://127.0.0.1:5481/provisioning/t0k3n/cfg000b82273b89 and more bytes past Content-Length");
        assertEquals("NOTIFY", m.method());
        assertEquals(List.of("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1", "SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bK0"),
                m.all("Via"));
        assertEquals("abc@127.1.0.7", m.header("Call-ID"));
        assertEquals("NOTIFY", m.cseqMethod());
        assertEquals("ua-profile", m.eventPackage());
        assertEquals("terminated; reason=timeout", m.header("Subscription-State"));
        assertEquals("application/url", m.contentType());
        assertEquals("http://127.0.0.1:5481/provisioning/t0k3n/cfg000b82273b89", m.body());
        assertEquals("http://127.0.0.1:5481/provisioning/t0k3n/cfg000b82273b89", SipMessage.urlOfBody(m.body()));
    }

    @Test
    void parsesResponses() {
        SipMessage m = parse("SIP/2.0 200 OK\r\nCall-ID: x\r\nCSeq: 1 SUBSCRIBE\r\nExpires: 0\r\n\r\n");
        assertFalse(m.isRequest());
        assertEquals(200, m.status());
        assertEquals("OK", m.reason());
        assertEquals("SUBSCRIBE", m.cseqMethod());
        assertNull(m.header("event"));
        assertEquals("", m.contentType());
        SipMessage bare = parse("SIP/2.0 489\r\n\r\n");
        assertEquals(489, bare.status());
        assertEquals("", bare.reason());
    }

    @Test
    void refusesWhatIsNotSip() {
        assertThrows(IllegalArgumentException.class, () -> parse("HTTP/1.1 200 OK\r\n\r\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("SIP/2.0 abc OK\r\n\r\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("\r\n\r\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("NOTIFY sip:x SIP/2.0\r\nno colon here\r\n\r\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("NOTIFY sip:x SIP/2.0\r\nContent-Length: x\r\n\r\n"));
    }

    @Test
    void urlOfBodyTakesTheFirstLineWithoutAngleBrackets() {
        assertEquals("tftp://192.168.2.132", SipMessage.urlOfBody("\r\n  <tftp://192.168.2.132>\r\nignored"));
        assertEquals("", SipMessage.urlOfBody(" \r\n"));
    }

    @Test
    void parameterIgnoresWhatIsInsideTheAngleBrackets() {
        assertEquals("abc", SipMessage.parameter("<sip:a;tag=no@b>;tag=abc", "TAG"));
        assertNull(SipMessage.parameter("<sip:a;tag=no@b>", "tag"));
        assertEquals("x y", SipMessage.parameter("ua-profile;vendor=\"x y\"", "vendor"));
    }

    @Test
    void responseCopiesTheDialogHeadersAndTagsTheTo() {
        SipMessage notify = parse("NOTIFY sip:127.1.0.7:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
                + "Via: SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bK0\r\n"
                + "From: <sip:pnp@127.0.0.1>;tag=srv\r\n"
                + "To: <sip:MAC%3A000B82273B89@224.0.1.75>\r\n"
                + "Call-ID: abc\r\n"
                + "CSeq: 7 NOTIFY\r\n"
                + "Content-Length: 0\r\n\r\n");
        SipMessage ok = parse(Sip.response(notify, 200, "OK", "mytag"));
        assertEquals(200, ok.status());
        assertEquals(notify.all("via"), ok.all("via"));
        assertEquals("<sip:pnp@127.0.0.1>;tag=srv", ok.header("from"));
        assertEquals("<sip:MAC%3A000B82273B89@224.0.1.75>;tag=mytag", ok.header("to"));
        assertEquals("abc", ok.header("call-id"));
        assertEquals("7 NOTIFY", ok.header("cseq"));
        assertEquals("0", ok.header("content-length"));
        SipMessage tagged = parse(new String(Sip.response(ok(notify, "To: <sip:x@y>;tag=keep"), 200, "OK", "new"),
                StandardCharsets.UTF_8));
        assertEquals("<sip:x@y>;tag=keep", tagged.header("to"));
    }

    private static SipMessage ok(SipMessage base, String toLine) {
        return parse("NOTIFY sip:x SIP/2.0\r\nVia: " + base.header("via") + "\r\n" + toLine + "\r\nCall-ID: c\r\n"
                + "CSeq: 1 NOTIFY\r\n\r\n");
    }

    @Test
    void responsesGoToTheTopVia() {
        InetSocketAddress source = new InetSocketAddress(ip("127.0.0.9"), 9999);
        assertEquals(new InetSocketAddress(ip("127.0.0.1"), 5070),
                Sip.responseTarget(via("SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1"), source));
        assertEquals(new InetSocketAddress(ip("127.0.0.1"), 5060),
                Sip.responseTarget(via("SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1"), source));
        assertEquals(new InetSocketAddress(ip("10.1.1.1"), 6000),
                Sip.responseTarget(via("SIP/2.0/UDP 127.0.0.1:5070;received=10.1.1.1;rport=6000"), source));
        assertEquals(new InetSocketAddress(ip("127.0.0.1"), 5070),
                Sip.responseTarget(via("SIP/2.0/UDP 127.0.0.1:5070;rport;branch=z9hG4bK1"), source));
        assertEquals(new InetSocketAddress(ip("::1"), 5062),
                Sip.responseTarget(via("SIP/2.0/UDP [::1]:5062;branch=z9hG4bK1"), source));
        // names are not looked up, broken Vias and TCP fall back to the datagram's source
        assertEquals(source, Sip.responseTarget(via("SIP/2.0/UDP pbx.example.com:5060"), source));
        assertEquals(source, Sip.responseTarget(via("SIP/2.0/UDP 127.0.0.1:notaport"), source));
        assertEquals(source, Sip.responseTarget(via("SIP/2.0/TCP 127.0.0.1:5060"), source));
    }

    private static SipMessage via(String via) {
        return parse("NOTIFY sip:x SIP/2.0\r\nVia: " + via + "\r\nCall-ID: c\r\nCSeq: 1 NOTIFY\r\n\r\n");
    }
}
