package pnp.jainsip;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Messages as phones send them: PnP SUBSCRIBEs in the vendors' forms and 200 OKs to our NOTIFY. */
final class Samples {

    private Samples() {
    }

    /** Name to message text (CRLF line ends). */
    static final Map<String, String> SUBSCRIBES = new LinkedHashMap<>();
    static final Map<String, String> NOTIFY_ANSWERS = new LinkedHashMap<>();

    static {
        SUBSCRIBES.put("grandstream", crlf("""
                SUBSCRIBE sip:MAC%3A000B82273B89@224.0.1.75 SIP/2.0
                Via: SIP/2.0/UDP 192.168.1.23:5060;branch=z9hG4bK1510617390;rport
                From: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=1181302478
                To: <sip:MAC%3A000B82273B89@224.0.1.75>
                Call-ID: 1437434432-5060-1@BJC.BGI.B.CD
                CSeq: 1 SUBSCRIBE
                Contact: <sip:MAC%3A000B82273B89@192.168.1.23:5060>
                X-Grandstream-PBX: true
                Max-Forwards: 70
                User-Agent: Grandstream GXP1628 1.0.2.7
                Expires: 0
                Supported: replaces, path, timer, eventlist
                Event: ua-profile;profile-type="device";vendor="Grandstream";model="GXP1628";version="1.0.2.7"
                Accept: application/url
                Allow: INVITE, ACK, OPTIONS, CANCEL, BYE, SUBSCRIBE, NOTIFY, INFO, REFER, UPDATE, MESSAGE
                Content-Length: 0

                """));
        SUBSCRIBES.put("yealink", crlf("""
                SUBSCRIBE sip:MAC001565f4f9e1@224.0.1.75 SIP/2.0
                Via: SIP/2.0/UDP 10.0.0.41:5059;branch=z9hG4bK2086374712
                From: <sip:MAC001565f4f9e1@224.0.1.75>;tag=1466436469
                To: <sip:MAC001565f4f9e1@224.0.1.75>
                Call-ID: 1902442564@10.0.0.41
                CSeq: 1 SUBSCRIBE
                Contact: <sip:10.0.0.41:5059>
                Accept: application/url
                Max-Forwards: 70
                User-Agent: Yealink SIP-T46S 66.86.0.15
                Expires: 0
                Event: ua-profile;profile-type="device";vendor="yealink";model="T46S";version="66.86.0.15"
                Content-Length: 0

                """));
        SUBSCRIBES.put("atcom", crlf("""
                SUBSCRIBE sip:MAC%3A808287010203@224.0.1.75 SIP/2.0
                Via: SIP/2.0/UDP 192.168.2.50:5060;rport;branch=z9hG4bK-3c2b-11
                Max-Forwards: 70
                From: <sip:MAC%3A808287010203@224.0.1.75>;tag=as7d2f
                To: <sip:MAC%3A808287010203@224.0.1.75>
                Call-ID: 5a4c3b2a-77@192.168.2.50
                CSeq: 20 SUBSCRIBE
                Contact: <sip:192.168.2.50:5060>
                Event: ua-profile;profile-type="device";vendor="ATCOM";model="ATCOM";version="2.7.6.1"
                Accept: application/url
                User-Agent: ATCOM A20W 2.7.6.1
                Allow-Events: talk, hold, conference
                Date: Tue, 01 Dec 2026 10:00:00 GMT
                Content-Length: 0

                """));
        // Compact names, lower-case %3a, a folded Event: what RFC 3261 allows and Snom-style firmware sends.
        SUBSCRIBES.put("snom", crlf("""
                SUBSCRIBE sip:MAC%3a00135E874B49@224.0.1.75 SIP/2.0
                v: SIP/2.0/UDP 192.168.0.77:5060;branch=z9hG4bK-6fa3hn0b2d0u;rport
                f: <sip:MAC%3a00135E874B49@224.0.1.75>;tag=plnp9pt7mi
                t: <sip:MAC%3a00135E874B49@224.0.1.75>
                i: 3c26cd5b1d7e-qbnd9x33fzqs
                CSeq: 1 SUBSCRIBE
                max-forwards: 70
                m: <sip:192.168.0.77:5060>
                o: ua-profile;profile-type="device";vendor="OEM";model="OEM";
                 version="8.9.3.80"
                k: replaces, 100rel
                Expires: 0
                user-agent: snom720/8.9.3.80
                Accept: application/url
                l: 0

                """));
        // Blanks instead of semicolons between the Event's parameters: the stock parser cannot read it.
        SUBSCRIBES.put("gigaset", crlf("""
                SUBSCRIBE sip:MAC%3A7C2F80A1B2C3@224.0.1.75 SIP/2.0
                Via: SIP/2.0/UDP 192.168.0.9:5060;branch=z9hG4bK77
                From: <sip:MAC%3A7C2F80A1B2C3@224.0.1.75>;tag=99
                To: <sip:MAC%3A7C2F80A1B2C3@224.0.1.75>
                Call-ID: 7788@192.168.0.9
                CSeq: 1 SUBSCRIBE
                Contact: <sip:192.168.0.9:5060>
                Event: ua-profile;profile-type="device" vendor="OEM" model="OEM"
                User-Agent: Gigaset N670 IP PRO/83.V2.11.0+build.a546b2d;7C2F80A1B2C3
                Content-Length: 0

                """));
        NOTIFY_ANSWERS.put("sipp", crlf("""
                SIP/2.0 200 OK
                Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK-d8754z-1f0c6a0d3e1b2c4d;rport=5060;received=192.168.1.10
                From: <sip:192.168.1.10:5060>;tag=18d3c2a1b0
                To: <sip:MAC%3A000B82273B89@224.0.1.75>;tag=1181302478
                Call-ID: 1437434432-5060-1@BJC.BGI.B.CD
                CSeq: 1 NOTIFY
                Content-Length: 0

                """));
        NOTIFY_ANSWERS.put("yealink", crlf("""
                SIP/2.0 200 OK
                Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK-d8754z-77aa;rport=5060
                From: <sip:192.168.1.10:5060>;tag=18d3c2a1b1
                To: <sip:MAC001565f4f9e1@224.0.1.75>;tag=1466436469
                Call-ID: 1902442564@10.0.0.41
                CSeq: 1 NOTIFY
                Contact: <sip:10.0.0.41:5059>
                User-Agent: Yealink SIP-T46S 66.86.0.15
                Supported: replaces
                Content-Length: 0

                """));
    }

    static String crlf(String text) {
        return text.replace("\n", "\r\n");
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
