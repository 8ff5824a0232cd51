package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import pnp.api.Assignment;
import pnp.api.MacAddress;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFile.Scope;
import pnp.api.RenderRequest;
import pnp.api.Rendering;

class AtcomProfileRenderTest {

    private static final List<String> COMMON_FILES = List.of("a000000000010.cfg", "a000000000011.cfg",
            "a000000000020.cfg", "a000000000040.cfg", "a000000000041.cfg", "a000000000048.cfg",
            "a000000000068.cfg", "d000000000020.cfg", "d000000000030.cfg");

    @Test
    void rendersPhoneFileAndEveryFamilysCommonFile() {
        MacAddress mac = MacAddress.parse("80:82:87:AB:CD:EF").orElseThrow();
        Assignment a = new Assignment(mac, "201", null, null, "pw", null, null, 0, null, null, null, null);
        Rendering r = Fixtures.profile(Map.of()).render(Fixtures.request(a, "", 1));

        assertEquals(Stream.concat(Stream.of("808287abcdef.cfg"), COMMON_FILES.stream()).toList(),
                r.files().stream().map(ProvisioningFile::name).toList());
        ProvisioningFile phone = Fixtures.file(r, "808287abcdef.cfg");
        assertEquals(Scope.PHONE, phone.scope());
        assertTrue(phone.answersTo("808287ABCDEF.cfg"), "upper-case MAC request");
        for (String name : COMMON_FILES) {
            assertEquals(Scope.COMMON, Fixtures.file(r, name).scope(), name);
        }
        assertTrue(r.files().stream().allMatch(f -> f.contentType().equals("text/plain")));
    }

    @Test
    void phoneFileCarriesTheAccount() {
        Rendering r = Fixtures.profile(Map.of()).render(Fixtures.request(Fixtures.full(), "A41", 3));
        Map<String, String> sip = settings(Fixtures.text(r, "808287010203.cfg"), "SIP CONFIG MODULE");
        assertEquals("alice4711", sip.get("SIP1 Register User"));
        assertEquals("S3cr3t:pw", sip.get("SIP1 Register Pswd"), "':' kept inside a value");
        assertEquals("auth-alice", sip.get("SIP1 Auth User"));
        assertEquals("pbx.example.com", sip.get("SIP1 Register Addr"));
        assertEquals("5090", sip.get("SIP1 Register Port"), "override replaces the assignment's 5080");
        assertEquals("600", sip.get("SIP1 Register TTL"), "override adds a setting");
        assertEquals("1", sip.get("SIP1 Enable Reg"));
    }

    @Test
    void defaultsComeFromSettingsThenServerHost() {
        Map<String, String> fromHost = settings(Fixtures.text(Fixtures.profile(Map.of())
                .render(Fixtures.request(Fixtures.minimal(), "", 1)), "808287010203.cfg"), "SIP CONFIG MODULE");
        assertEquals(Fixtures.SERVER, fromHost.get("SIP1 Register Addr"));
        assertEquals("5060", fromHost.get("SIP1 Register Port"));

        String text = Fixtures.text(Fixtures.profile(Map.of("sipServer", "sip.example.org", "sipPort", 5070,
                "codecs", new String[] {"G729", " pcmu "})).render(Fixtures.request(Fixtures.minimal(), "", 1)),
                "808287010203.cfg");
        assertEquals("sip.example.org", settings(text, "SIP CONFIG MODULE").get("SIP1 Register Addr"));
        assertEquals("5070", settings(text, "SIP CONFIG MODULE").get("SIP1 Register Port"));
        assertEquals(Map.of("Voice Codec1", "G729", "Voice Codec2", "G711U"), settings(text, "DSP CONFIG MODULE"));
    }

    @Test
    void commonFilesHoldNoSecrets() {
        AtcomProfile profile = Fixtures.profile(Map.of("_adminPassword", "Adm1nPw", "urlScheme", "http",
                "ntpServer", "ntp.example.org", "timeZone", "+1", "language", "en", "firmwareServer",
                "http://fw.example.org/atcom/"));
        RenderRequest request = new RenderRequest(Fixtures.full(), "A41", Fixtures.SERVER, Fixtures.HTTP_BASE,
                Fixtures.TFTP_BASE, "dl-user", "dl-Pa55", 4);
        Rendering r = profile.render(request);

        List<String> secrets = List.of("S3cr3t", "alice4711", "auth-alice", "Adm1nPw", "dl-user", "dl-Pa55",
                "Zq7tK2pW", "4711");
        String phone = Fixtures.text(r, "808287010203.cfg");
        for (String secret : secrets) {
            assertTrue(phone.contains(secret), "phone file lacks " + secret);
        }
        for (String name : COMMON_FILES) {
            String common = Fixtures.text(r, name);
            for (String secret : secrets) {
                assertFalse(common.contains(secret), name + " contains " + secret);
            }
            for (Fixtures.Line line : Fixtures.parse(common)) {
                String key = line.key().toLowerCase(Locale.ROOT);
                assertFalse(key.contains("pswd") || key.contains("password") || key.contains("user"),
                        name + " has " + line.key());
            }
            assertTrue(common.contains("SNTP Server :ntp.example.org\n"), name);
            assertTrue(common.contains("Flash Server IP :http://fw.example.org/atcom/\n"), name);
        }
    }

    @Test
    void versionGrowsWithRevision() {
        AtcomProfile profile = Fixtures.profile(Map.of());
        BigDecimal previous = null;
        for (long revision : new long[] {1, 2, 9, 10, 11, 999, 1000, 123_456_789}) {
            Rendering r = profile.render(Fixtures.request(Fixtures.full(), "A41", revision));
            BigDecimal phone = version(Fixtures.text(r, "808287010203.cfg"));
            for (String name : COMMON_FILES) {
                assertEquals(phone, version(Fixtures.text(r, name)), name);
            }
            if (previous != null) {
                assertTrue(phone.compareTo(previous) > 0, phone + " after " + previous);
            }
            previous = phone;
        }
    }

    @Test
    void sameInputGivesSameBytes() {
        Rendering first = Fixtures.profile(Map.of()).render(Fixtures.request(Fixtures.full(), "A41", 5));
        Rendering second = Fixtures.profile(Map.of()).render(Fixtures.request(Fixtures.full(), "A41", 5));
        assertEquals(first, second);
        for (int i = 0; i < first.files().size(); i++) {
            assertArrayEquals(first.files().get(i).content(), second.files().get(i).content());
        }
        Rendering next = Fixtures.profile(Map.of()).render(Fixtures.request(Fixtures.full(), "A41", 6));
        assertNotEquals(first.files().get(0), next.files().get(0));
    }

    @Test
    void overrideKeyNeedsASection() {
        Assignment a = new Assignment(Fixtures.MAC, "201", null, null, "pw", null, null, 0, null, null, null,
                Map.of("SIP1 Register TTL", "60"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.profile(Map.of()).render(Fixtures.request(a, "", 1)));
        assertTrue(e.getMessage().contains("SECTION/Key"), e.getMessage());
    }

    @Test
    void unknownSchemeIsRefusedWithReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fixtures
                .profile(Map.of("urlScheme", "ftp")).render(Fixtures.request(Fixtures.minimal(), "", 1)));
        assertTrue(e.getMessage().contains("ftp"), e.getMessage());
    }

    @Test
    void modifiedSettingsApplyToTheNextRender() {
        AtcomProfile profile = Fixtures.profile(Map.of());
        profile.modified(Fixtures.config(Map.of("urlScheme", "http")));
        assertEquals(Fixtures.HTTP_BASE, profile.render(Fixtures.request(Fixtures.minimal(), "", 1)).notifyUrl());
        profile.modified(Fixtures.config(Map.of("sipPort", 0)));
        assertEquals(Fixtures.HTTP_BASE, profile.render(Fixtures.request(Fixtures.minimal(), "", 1)).notifyUrl(),
                "invalid settings keep the previous ones");
    }

    private static BigDecimal version(String text) {
        String first = text.substring(0, text.indexOf('\n'));
        assertTrue(first.startsWith("<<VOIP CONFIG FILE>>Version:"), first);
        return new BigDecimal(first.substring("<<VOIP CONFIG FILE>>Version:".length()));
    }

    /** The settings of one section, each key at most once. */
    static Map<String, String> settings(String text, String section) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (Fixtures.Line line : Fixtures.parse(text)) {
            if (line.section().equals(section) && !line.key().isEmpty()) {
                assertEquals(null, map.put(line.key(), line.value()), "twice: " + line.key());
            }
        }
        return map;
    }
}
