package pnp.sip.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import javax.sip.message.Request;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import gov.nist.javax.sip.parser.StringMsgParser;

/** Each vendor's SUBSCRIBE form of PROTOCOL-NOTES, parsed by the stack's parser and read by PnpSubscribe. */
class PnpSubscribeTest {

    static Request parse(String text) throws Exception {
        return (Request) new StringMsgParser().parseSIPMessage(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8),
                true, false, null);
    }

    static String subscribe(String requestUser, String event, String userAgent) {
        String ua = userAgent.isEmpty() ? "" : "User-Agent: " + userAgent + "\n";
        String uri = requestUser.isEmpty() ? "sip:224.0.1.75:5060" : "sip:" + requestUser + "@224.0.1.75";
        return "SUBSCRIBE " + uri + " SIP/2.0\n"
                + "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1;rport\n"
                + "From: <" + uri + ">;tag=1\n"
                + "To: <" + uri + ">\n"
                + "Call-ID: abc@192.0.2.7\n"
                + "CSeq: 1 SUBSCRIBE\n"
                + "Contact: <sip:192.0.2.7:5062>\n"
                + ua
                + "Event: " + event + "\n"
                + "Accept: application/url\n"
                + "Content-Length: 0\n\n";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Grandstream seed|MAC%3A000B82273B89|ua-profile;profile-type=\"device\";vendor=\"Grandstream\";model=\"GXP1628\";version=\"1.0.2.7\"|Grandstream GXP1628 1.0.2.7|000b82273b89|Grandstream|GXP1628|1.0.2.7",
        "Grandstream GRP|MAC%3AC074AD112233|ua-profile;profile-type=\"device\";vendor=\"Grandstream\";model=\"GRP2612W\";version=\"1.0.5.67\"|Grandstream GRP2612W 1.0.5.67|c074ad112233|Grandstream|GRP2612W|1.0.5.67",
        "Snom lower %3a|MAC%3a00135E874B49|ua-profile;profile-type=\"device\";vendor=\"snom\";model=\"snom720\";version=\"10.1\"|snom720/10.1|00135e874b49|snom|snom720|10.1",
        "Gigaset OEM, blanks between parameters|MAC%3a00135E874B49|ua-profile;profile-type=\"device\" vendor=\"OEM\" model=\"OEM\" version=\"1.0\"|Gigaset N720 1.0|00135e874b49|OEM|N720|1.0",
        "Yealink bare MAC|MAC001565f4f9e1|ua-profile;profile-type=\"device\";vendor=\"yealink\";model=\"T46S\";version=\"66.86\"|Yealink SIP-T46S 66.86|001565f4f9e1|yealink|T46S|66.86",
        "Planet MAC=|MAC=00304fa99948|ua-profile;profile-type=\"device\";vendor=\"PLANET\";model=\"VIP-1120PT\";version=\"1\"||00304fa99948|PLANET|VIP-1120PT|1",
        "Panasonic vender|MAC%3A0080F0AABBCC|ua-profile;profile-type=\"device\";vender=\"Panasonic\";model=\"KX-HDV130\";version=\"1.2\"|Panasonic_KX-HDV130/1.2|0080f0aabbcc|Panasonic|KX-HDV130|1.2",
        "ATCOM unquoted|MAC%3A808287057926|ua-profile;profile-type=device;vendor=ATCOM;model=ATCOM;version=2.6|ATCOM A41 2.6.1|808287057926|ATCOM|A41|2.6",
        "MAC with escaped colons|MAC%3A00%3A0b%3A82%3A27%3A3b%3A89|ua-profile;vendor=\"Grandstream\";model=\"GXP2140\"|Grandstream GXP2140 1.0.11.16|000b82273b89|Grandstream|GXP2140|1.0.11.16",
    })
    void readsEveryVendorForm(String name, String user, String event, String ua, String mac, String vendor, String model,
            String firmware) throws Exception {
        Request r = parse(subscribe(user, event, ua == null ? "" : ua));
        PnpSubscribe s = PnpSubscribe.read(r, event, "192.0.2.7", 5060);
        assertEquals(mac, s.mac().orElseThrow().value());
        assertEquals(vendor, s.vendor());
        assertEquals(model, s.model());
        assertEquals(firmware, s.firmware());
        assertEquals("192.0.2.7", s.contactHost());
        assertEquals(5062, s.contactPort());
        assertEquals("ua-profile", PnpSubscribe.eventPackage(event));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "IPv4|192.0.2.9|192.0.2.9",
        "IPv6 bracketed|[2001:db8::9]|[2001:db8::9]",
        "a name goes to the source address|phone.attacker.example|198.51.100.4",
        "a name that looks numeric|1.2.3.4.example|198.51.100.4",
        "not an address|999.1.1.1|198.51.100.4",
    })
    void theNotifyGoesToAnAddressNeverToAName(String name, String contactHost, String expected) throws Exception {
        String event = "ua-profile;vendor=\"Grandstream\"";
        Request r = parse(subscribe("MAC%3A000B82273B89", event, "").replace("<sip:192.0.2.7:5062>",
                "<sip:" + contactHost + ":5062>"));
        PnpSubscribe s = PnpSubscribe.read(r, event, "198.51.100.4", 5070);
        assertEquals(expected, s.contactHost());
        assertEquals(5062, s.contactPort());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "AudioCodes, no MAC|AudioCodes 400HD 3.0",
        "no MAC and no User-Agent|",
    })
    void phonesWithoutMacInUriOrAgentHaveNone(String name, String ua) throws Exception {
        String event = "ua-profile;profile-type=\"application\"";
        Request r = parse(subscribe("", event, ua == null ? "" : ua));
        assertTrue(PnpSubscribe.read(r, event, "192.0.2.7", 5060).mac().isEmpty());
    }

    @org.junit.jupiter.api.Test
    void compactHeaderNamesInAnyCase() throws Exception {
        assertGxp2160(parse("SUBSCRIBE sip:MAC%3A000B82273B89@224.0.1.75 SIP/2.0\n"
                + "v: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK9;rport\n"
                + "f: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=1\n"
                + "t: <sip:MAC%3A000B82273B89@224.0.1.75>\n"
                + "i: c1@x\n"
                + "CSEQ: 1 SUBSCRIBE\n"
                + "m: <sip:192.0.2.7:5062>\n"
                + "o: ua-profile;vendor=\"Grandstream\";model=\"GXP2160\"\n"
                + "user-agent: Grandstream GXP2160 1.0.1\n"
                + "l: 0\n\n"));
    }

    @org.junit.jupiter.api.Test
    void foldedEventHeader() throws Exception {
        assertGxp2160(parse("SUBSCRIBE sip:MAC%3A000B82273B89@224.0.1.75 SIP/2.0\n"
                + "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK9\n"
                + "From: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=1\n"
                + "To: <sip:MAC%3A000B82273B89@224.0.1.75>\n"
                + "Call-ID: c2@x\n"
                + "CSeq: 1 SUBSCRIBE\n"
                + "Contact: <sip:192.0.2.7:5062>\n"
                + "Event: ua-profile;vendor=\"Grandstream\";\n"
                + "  model=\"GXP2160\"\n"
                + "Content-Length: 0\n\n"));
    }

    private static void assertGxp2160(Request r) {
        String event = PnpSubscribe.eventValue(r);
        assertEquals("ua-profile", PnpSubscribe.eventPackage(event));
        PnpSubscribe s = PnpSubscribe.read(r, event, "192.0.2.7", 5060);
        assertEquals("000b82273b89", s.mac().orElseThrow().value());
        assertEquals("GXP2160", s.model());
        assertEquals(5062, s.contactPort());
    }
}
