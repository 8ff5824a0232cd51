package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.Rendering;

/** Hostile strings in every field of an assignment cannot add, remove or change any other setting. */
class InjectionTest {

    private final Rendering rendering = Fixtures.profile(Map.of())
            .render(Fixtures.request(Fixtures.hostile(), "A41\nSIP1 Enable Reg :0", 9));
    private final String phone = Fixtures.text(rendering, "808287010203.cfg");

    @Test
    void noCharacterBreaksALine() {
        for (int i = 0; i < phone.length(); i++) {
            char c = phone.charAt(i);
            assertTrue(c == '\n' || !(Character.isISOControl(c) || c == '\u2028' || c == '\u2029'),
                    "control character U+" + Integer.toHexString(c) + " at " + i);
        }
    }

    @Test
    void exactlyTheExpectedLinesExist() {
        List<String> lines = Fixtures.parse(phone).stream()
                .map(l -> l.key().isEmpty() ? "[" + l.section() + "]" : l.section() + "/" + l.key())
                .toList();
        assertEquals(List.of(
                "/<<VOIP CONFIG FILE>>Version:2.0000000009",
                "[SIP CONFIG MODULE]",
                "SIP CONFIG MODULE/SIP1 Phone Number",
                "SIP CONFIG MODULE/SIP1 Display Name",
                "SIP CONFIG MODULE/SIP1 Register Addr",
                "SIP CONFIG MODULE/SIP1 Register Port",
                "SIP CONFIG MODULE/SIP1 Register User",
                "SIP CONFIG MODULE/SIP1 Register Pswd",
                "SIP CONFIG MODULE/SIP1 Auth User",
                "SIP CONFIG MODULE/SIP1 Enable Reg",
                "SIP CONFIG MODULE/SIP1 VoiceMail Number",
                "SIP CONFIG MODULE/SIP1 Register TTLSIP1 Register Pswd",
                "[DSP CONFIG MODULE]",
                "DSP CONFIG MODULE/Voice Codec1",
                "[DSSKEY CONFIG MODULE]",
                "DSSKEY CONFIG MODULE/Fkey1 Type",
                "DSSKEY CONFIG MODULE/Fkey1 Value",
                "DSSKEY CONFIG MODULE/Fkey1 Title",
                "[AUTOUPDATE CONFIG MODULE]",
                "AUTOUPDATE CONFIG MODULE/Download Server IP",
                "[EVILSIP CONFIG MODULE]",
                "EVILSIP CONFIG MODULE/X",
                "/<<END OF FILE>>"), lines);
    }

    @Test
    void everyValueIsTheInputWithoutLineBreaks() {
        Map<String, String> sip = AtcomProfileRenderTest.settings(phone, "SIP CONFIG MODULE");
        assertEquals("300SIP1 Register Addr :evil.example", sip.get("SIP1 Phone Number"));
        assertEquals("Bob <&>\" P2=evilxSIP1 Register Pswd :hack", sip.get("SIP1 Display Name"));
        assertEquals("pbx.example.com<AUTOUPDATE CONFIG MODULE>Download Server IP :tftp://evil",
                sip.get("SIP1 Register Addr"));
        assertEquals("5060", sip.get("SIP1 Register Port"));
        assertEquals("u300SIP1 Enable Reg :0", sip.get("SIP1 Register User"));
        assertEquals("pw<<END OF FILE>>", sip.get("SIP1 Register Pswd"));
        assertEquals("a300<SIP CONFIG MODULE>", sip.get("SIP1 Auth User"));
        assertEquals("1", sip.get("SIP1 Enable Reg"));
        assertEquals("*97SIP2 Enable Reg :1", sip.get("SIP1 VoiceMail Number"));
        assertEquals("60SIP1 Register User :root", sip.get("SIP1 Register TTLSIP1 Register Pswd"));
        assertEquals(Map.of("Voice Codec1", "PCMUVOICE CODEC9 :EVIL"),
                AtcomProfileRenderTest.settings(phone, "DSP CONFIG MODULE"));
        assertEquals(Map.of("Fkey1 Type", "2", "Fkey1 Value", "4712Fkey9 Type :1", "Fkey1 Title", "LblFkey1 Value :666"),
                AtcomProfileRenderTest.settings(phone, "DSSKEY CONFIG MODULE"));
        assertEquals(Map.of("Download Server IP", "tftp://192.0.2.10"),
                AtcomProfileRenderTest.settings(phone, "AUTOUPDATE CONFIG MODULE"));
        assertEquals(Map.of("X", "1"), AtcomProfileRenderTest.settings(phone, "EVILSIP CONFIG MODULE"));
    }

    @Test
    void fileEndsAtTheEnd() {
        assertTrue(phone.endsWith("\n<<END OF FILE>>\n"), phone);
        assertEquals(phone.indexOf("\n<<END OF FILE>>\n"), phone.length() - "\n<<END OF FILE>>\n".length());
    }

    @Test
    void hostileModelCannotLeaveTheOverrideFolder() {
        assertEquals("______etc_passwd", TemplateLevels.modelDirectory("../../etc/passwd").orElseThrow());
        assertEquals("a41_sip1_enable_reg__0", TemplateLevels.modelDirectory("A41\nSIP1 Enable Reg :0").orElseThrow());
    }
}
