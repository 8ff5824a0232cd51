package pnp.vendor.yealink.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.Assignment;
import pnp.api.LineKey;
import pnp.api.ProvisioningFile;
import pnp.api.RenderRequest;
import pnp.api.Rendering;

class RenderTest {

    static final String MINIMAL = lines(
            "#!version:1.0.0.1",
            "account.1.enable = 1",
            "account.1.label = 201",
            "account.1.display_name = ",
            "account.1.auth_name = 201",
            "account.1.user_name = 201",
            "account.1.password = s3cret",
            "account.1.sip_server.1.address = 192.0.2.10",
            "account.1.sip_server.1.port = 5060",
            "static.auto_provision.server.url = http://192.0.2.10:5481/provisioning/3q2-abcDEF/",
            "sip.notify_reboot_enable = 0");

    static final String FULL = lines(
            "#!version:1.0.0.1",
            "account.1.enable = 1",
            "account.1.label = Front desk",
            "account.1.display_name = Alice Example",
            "account.1.auth_name = a202",
            "account.1.user_name = u202",
            "account.1.password = pw#202=x",
            "account.1.sip_server.1.address = pbx.example.com",
            "account.1.sip_server.1.port = 5070",
            "voice_mail.number.1 = *97",
            "account.1.codec.g722.enable = 1",
            "account.1.codec.g722.priority = 1",
            "account.1.codec.pcmu.enable = 1",
            "account.1.codec.pcmu.priority = 2",
            "account.1.codec.g729.enable = 1",
            "account.1.codec.g729.priority = 3",
            "account.1.codec.pcma.enable = 0",
            "account.1.codec.pcma.priority = 0",
            "account.1.codec.g726_32.enable = 0",
            "account.1.codec.g726_32.priority = 0",
            "account.1.codec.opus.enable = 0",
            "account.1.codec.opus.priority = 0",
            "linekey.1.type = 16",
            "linekey.1.line = 1",
            "linekey.1.value = 203",
            "linekey.1.label = Bob",
            "linekey.2.type = 13",
            "linekey.2.line = 1",
            "linekey.2.value = 5551234",
            "linekey.2.label = Pizza",
            "linekey.9.type = 16",
            "linekey.9.line = 1",
            "linekey.9.value = 204",
            "linekey.9.label = Carol",
            "static.auto_provision.server.url = https://192.0.2.10:5482/provisioning/tok-9/",
            "static.auto_provision.server.username = 001565f4f9e1",
            "static.auto_provision.server.password = http-pw",
            "sip.notify_reboot_enable = 0",
            "local_time.time_zone = +1");

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    static String text(Rendering r) {
        assertEquals(1, r.files().size(), r.files().toString());
        return new String(r.files().get(0).content(), StandardCharsets.UTF_8);
    }

    @Test
    void minimalAssignment() {
        assertEquals(MINIMAL, text(Fixtures.profile().render(Fixtures.minimal())));
    }

    @Test
    void everyFieldInOrderOverridesLast() {
        assertEquals(FULL, text(Fixtures.profile().render(Fixtures.full())));
    }

    @Test
    void onePhoneFileNamedByLowerCaseMac() {
        ProvisioningFile f = Fixtures.profile().render(Fixtures.minimal()).files().get(0);
        assertEquals("001565f4f9e1.cfg", f.name());
        assertEquals(ProvisioningFile.Scope.PHONE, f.scope());
        assertEquals("text/plain; charset=UTF-8", f.contentType());
        assertTrue(f.answersTo("001565F4F9E1.cfg"));
    }

    @Test
    void notifyCarriesTheFileUrlOrOnRequestTheFolder() {
        Rendering file = Fixtures.profile().render(Fixtures.minimal());
        assertEquals(Fixtures.HTTP_BASE + "001565f4f9e1.cfg", file.notifyUrl());
        assertEquals(Rendering.APPLICATION_URL, file.notifyContentType());
        Rendering folder = Fixtures.profile(Map.of("folderUrl", true)).render(Fixtures.minimal());
        assertEquals(Fixtures.HTTP_BASE, folder.notifyUrl());
    }

    @Test
    void sameRequestSameBytes() {
        YealinkProfile profile = Fixtures.profile();
        assertArrayEquals(profile.render(Fixtures.full()).files().get(0).content(),
                profile.render(Fixtures.full()).files().get(0).content());
    }

    @Test
    void profileSettingsFillWhatTheAssignmentLeavesOpen() {
        String text = text(Fixtures.profile(Map.of("sipServer", " pbx.lan ", "sipPort", 5080,
                "codecs", new String[] {"opus,PCMA"})).render(Fixtures.minimal()));
        assertTrue(text.contains("account.1.sip_server.1.address = pbx.lan\naccount.1.sip_server.1.port = 5080\n"), text);
        assertTrue(text.contains("account.1.codec.opus.enable = 1\naccount.1.codec.opus.priority = 1\n"
                + "account.1.codec.pcma.enable = 1\naccount.1.codec.pcma.priority = 2\n"
                + "account.1.codec.pcmu.enable = 0\n"), text);
    }

    @Test
    void whatCannotBeWrittenFailsTheRenderWithTheReason() {
        RenderRequest codec = request(List.of("G723"), List.of(), Map.of());
        assertEquals("codec 'G723' has no Yealink key; known: PCMU, PCMA, G722, G729, G726-32, OPUS",
                assertThrows(IllegalArgumentException.class, () -> Fixtures.profile().render(codec)).getMessage());
        RenderRequest twice = request(List.of(), List.of(new LineKey(3, LineKey.Type.BLF, "1", ""),
                new LineKey(3, LineKey.Type.SPEED_DIAL, "2", "")), Map.of());
        assertEquals("line key position 3 is used twice",
                assertThrows(IllegalArgumentException.class, () -> Fixtures.profile().render(twice)).getMessage());
        RenderRequest key = request(List.of(), List.of(), Map.of("a b", "1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Fixtures.profile().render(key)).getMessage()
                .startsWith("override key 'a b' is not a Yealink key"));
        assertThrows(IllegalArgumentException.class,
                () -> Fixtures.profile(Map.of("codecs", new String[] {"SPEEX"})));
    }

    private static RenderRequest request(List<String> codecs, List<LineKey> keys, Map<String, String> overrides) {
        Assignment a = new Assignment(Fixtures.MAC, "201", null, null, "s3cret", null, null, 0, null, codecs, keys,
                overrides);
        return new RenderRequest(a, "T46S", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1);
    }
}
