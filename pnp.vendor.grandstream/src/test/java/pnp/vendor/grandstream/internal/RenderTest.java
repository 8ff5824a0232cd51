package pnp.vendor.grandstream.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.Assignment;
import pnp.api.LineKey;
import pnp.api.ProvisioningFile;
import pnp.api.RenderRequest;
import pnp.api.Rendering;

class RenderTest {

    @TempDir
    Path home;

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    static final Map<String, String> MINIMAL = ordered(
            "P271", "1", "P270", "101", "P47", "192.0.2.10", "P35", "101", "P36", "101", "P34", "s3cret",
            "P3", "", "P33", "",
            "P57", "0", "P58", "8", "P59", "9", "P60", "9", "P61", "9", "P62", "9", "P46", "9", "P98", "9",
            "P212", "1", "P237", "192.0.2.10:5481/provisioning/3q2-abcDEF", "P1414", "1");

    static final Map<String, String> FULL = ordered(
            "P271", "1", "P270", "Alice Example", "P47", "pbx.example.com:5070", "P35", "u102", "P36", "a102",
            "P34", "pw102", "P3", "Alice Example", "P33", "*97",
            "P57", "9", "P58", "0", "P59", "18", "P60", "123", "P61", "123", "P62", "123", "P46", "123", "P98", "123",
            "P323", "1", "P301", "0", "P302", "Bob", "P303", "103",
            "P324", "0", "P304", "0", "P305", "Pizza", "P306", "5551234",
            "P357", "1", "P358", "0", "P359", "Carol", "P360", "104",
            "P212", "2", "P237", "192.0.2.10:5482/provisioning/tok-9", "P1360", "prov", "P1361", "pp",
            "P6767", "2", "P192", "fw.example.com/gs", "P1414", "0",
            "P64", "CET-1CEST-2,M3.5.0/02:00:00,M10.5.0/03:00:00", "P30", "ntp.example.com", "P1362", "de",
            "P2", "Adm1n", "P2380", "1");

    private Rendering render(RenderRequest request, Map<String, Object> config) {
        return Fixtures.profile(home, config).render(request);
    }

    private static byte[] xml(Rendering r) {
        return GoldenFileTest.file(r, "cfg000b82273b89.xml").content();
    }

    private static byte[] binary(Rendering r) {
        return GoldenFileTest.file(r, "cfg000b82273b89").content();
    }

    @Test
    void minimalValuesRoundTripInBothFiles() throws Exception {
        Rendering r = render(Fixtures.minimal(), Map.of());
        assertEquals(List.copyOf(MINIMAL.entrySet()),
                List.copyOf(GrandstreamBinaryDecoder.decode(binary(r), Fixtures.MAC.bytes()).entrySet()));
        assertEquals(List.copyOf(MINIMAL.entrySet()),
                List.copyOf(XmlFiles.values(xml(r), "000b82273b89").entrySet()));
    }

    @Test
    void fullValuesRoundTripInBothFilesInOrder() throws Exception {
        Rendering r = render(Fixtures.full(), Fixtures.fullConfig());
        assertEquals(List.copyOf(FULL.entrySet()),
                List.copyOf(GrandstreamBinaryDecoder.decode(binary(r), Fixtures.MAC.bytes()).entrySet()));
        assertEquals(List.copyOf(FULL.entrySet()),
                List.copyOf(XmlFiles.values(xml(r), "000b82273b89").entrySet()));
    }

    @Test
    void hostileStringsStayInTheirOwnValues() throws Exception {
        Rendering r = render(Fixtures.hostile(), Map.of());
        for (Map<String, String> values : List.of(
                GrandstreamBinaryDecoder.decode(binary(r), Fixtures.MAC.bytes()),
                XmlFiles.values(xml(r), "000b82273b89"))) {
            assertFalse(values.containsKey("P2"), "the display name created P2: " + values);
            assertEquals("Bob <&>\" P2=evil", values.get("P3"), "only the line feed is removed");
            assertEquals("Bob <&>\" P2=evil", values.get("P270"));
            assertEquals(Fixtures.HOSTILE_PASSWORD, values.get("P34"));
            assertEquals("<vm>&", values.get("P33"));
            assertEquals("</P302><P2>x</P2>", values.get("P302"));
            assertEquals("1&P2=x", values.get("P303"));
            assertEquals("en&P2=evil", values.get("P1362"));
        }
        String text = new String(xml(r), StandardCharsets.UTF_8);
        assertTrue(text.contains("<P3>Bob &lt;&amp;&gt;&quot; P2=evil</P3>"), text);
        assertFalse(text.contains("\n P2"), "the line feed survived");
    }

    @Test
    void controlCharactersOtherThanTabAreRemoved() {
        assertEquals("a\tbcd", PValues.clean("a\tb\u0000\r\n\u001bc\u007f\u0085d"));
        assertEquals("x\uD83D\uDE00y", PValues.clean("x\uD83D\uDE00\uD800y\uFFFF"));
    }

    @Test
    void filesNamesAliasesTypesAndScope() {
        Rendering r = render(Fixtures.minimal(), Map.of());
        assertEquals(2, r.files().size());
        ProvisioningFile xml = GoldenFileTest.file(r, "cfg000b82273b89.xml");
        assertEquals(Set.of("cfggxp2140.xml", "cfg.xml"), xml.aliases());
        assertEquals("application/xml", xml.contentType());
        assertEquals(ProvisioningFile.Scope.PHONE, xml.scope());
        ProvisioningFile bin = GoldenFileTest.file(r, "cfg000b82273b89");
        assertEquals(Set.of("cfg000b82273b89.bin"), bin.aliases());
        assertEquals("application/octet-stream", bin.contentType());
        assertEquals(ProvisioningFile.Scope.PHONE, bin.scope());
        assertTrue(bin.answersTo("cfg000B82273B89"));
    }

    @Test
    void modelAliasOnlyForAModelThatIsAFileName() {
        Assignment a = Fixtures.minimal().assignment();
        Rendering none = render(new RenderRequest(a, "", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1), Map.of());
        assertEquals(Set.of("cfg.xml"), GoldenFileTest.file(none, "cfg000b82273b89.xml").aliases());
        Rendering odd = render(new RenderRequest(a, "../GXP", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1), Map.of());
        assertEquals(Set.of("cfg.xml"), GoldenFileTest.file(odd, "cfg000b82273b89.xml").aliases());
    }

    @Test
    void notifyUrlIsTheFileForGxpAndTheFolderForGrp26() {
        RenderRequest gxp = Fixtures.minimal();
        Rendering file = render(gxp, Map.of());
        assertEquals(Fixtures.HTTP_BASE + "cfg000b82273b89", file.notifyUrl());
        assertEquals(Rendering.APPLICATION_URL, file.notifyContentType());

        RenderRequest grp = new RenderRequest(gxp.assignment(), "GRP2612W", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1);
        Rendering folder = render(grp, Map.of());
        assertEquals(Fixtures.HTTP_BASE, folder.notifyUrl());
        assertTrue(folder.notifyUrl().endsWith("/"));
        assertEquals(Rendering.APPLICATION_URL, folder.notifyContentType());
    }

    @Test
    void folderUrlModelsAreConfigurable() {
        Rendering r = render(Fixtures.minimal(), Map.of("folderUrlModels", new String[] {"grp26,gxp21"}));
        assertEquals(Fixtures.HTTP_BASE, r.notifyUrl());
    }

    @Test
    void withoutTheBinaryTheNotifyUrlNamesTheXml() {
        Rendering r = render(Fixtures.minimal(), Map.of("binary", false));
        assertEquals(List.of("cfg000b82273b89.xml"), r.files().stream().map(ProvisioningFile::name).toList());
        assertEquals(Fixtures.HTTP_BASE + "cfg000b82273b89.xml", r.notifyUrl());
    }

    @Test
    void withoutTheXmlOnlyTheBinaryIsServed() {
        Rendering r = render(Fixtures.minimal(), Map.of("xml", false));
        assertEquals(List.of("cfg000b82273b89"), r.files().stream().map(ProvisioningFile::name).toList());
        assertThrows(IllegalArgumentException.class,
                () -> render(Fixtures.minimal(), Map.of("xml", false, "binary", false)));
    }

    @Test
    void renderingIsDeterministic() {
        for (RenderRequest request : List.of(Fixtures.minimal(), Fixtures.full(), Fixtures.hostile())) {
            Rendering first = render(request, Fixtures.fullConfig());
            Rendering again = render(request, Fixtures.fullConfig());
            Rendering otherInstance = Fixtures.profile(home, Fixtures.fullConfig()).render(request);
            assertEquals(first, again);
            assertEquals(first, otherInstance);
            for (int i = 0; i < first.files().size(); i++) {
                assertArrayEquals(first.files().get(i).content(), again.files().get(i).content());
            }
        }
    }

    @Test
    void sipServerFallsBackToConfigThenServerHost() {
        Assignment a = new Assignment(Fixtures.MAC, "101", null, null, "pw", null, null, 0, null, null, null, null);
        RenderRequest r = new RenderRequest(a, "GXP2140", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1);
        assertEquals("192.0.2.10", PValues.of(r, settings(Map.of())).get("P47"));
        assertEquals("pbx.lan:5080",
                PValues.of(r, settings(Map.of("sipServer", "pbx.lan", "sipPort", 5080))).get("P47"));
        assertEquals("pbx.lan:5090", PValues.of(r, settings(Map.of("sipServer", "pbx.lan:5090"))).get("P47"));
        assertEquals("[2001:db8::1]:5080",
                PValues.of(r, settings(Map.of("sipServer", "2001:db8::1", "sipPort", 5080))).get("P47"));
    }

    @Test
    void configuredCodecsApplyWhenTheAssignmentHasNone() {
        Map<String, String> v = PValues.of(Fixtures.minimal(), settings(Map.of("codecs", new String[] {"OPUS, G726-32", "G.723.1", "iLBC"})));
        assertEquals(List.of("123", "2", "4", "98", "98", "98", "98", "98"),
                PValues.VOCODER_SLOTS.stream().map(v::get).toList());
        Map<String, String> none = PValues.of(Fixtures.minimal(), settings(Map.of("codecs", new String[0])));
        assertFalse(none.containsKey("P57"));
    }

    @Test
    void modifiedSettingsApplyToTheNextRender() {
        GrandstreamProfile profile = Fixtures.profile(home);
        assertFalse(decodedValues(profile).containsKey("P64"));
        profile.modified(Fixtures.config(Map.of("timeZone", "auto")));
        assertEquals("auto", decodedValues(profile).get("P64"));
    }

    private static Map<String, String> decodedValues(GrandstreamProfile profile) {
        return GrandstreamBinaryDecoder.decode(binary(profile.render(Fixtures.minimal())), Fixtures.MAC.bytes());
    }

    @Test
    void unknownCodecIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> render(withCodecs(List.of("PCMU", "SPEEX")), Map.of()));
        assertTrue(e.getMessage().contains("SPEEX"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> render(withCodecs(List.of("PCMU", "PCMA", "G722", "G729", "OPUS", "ILBC", "G723", "G726-32", "PCMU")), Map.of()));
    }

    @Test
    void overrideKeysMustBePValues() {
        for (String key : List.of("X1", "P", "p64", "P64 ", "P047", "P1=2&P2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> render(withOverrides(Map.of(key, "1")), Map.of()), key);
            assertTrue(e.getMessage().contains("P-value"), e.getMessage());
        }
        Map<String, String> v = PValues.of(withOverrides(Map.of("P47", "other.example", "P99999", "x")), settings(Map.of()));
        assertEquals("other.example", v.get("P47"));
        assertEquals("P47", List.copyOf(v.keySet()).get(2), "a replaced value keeps its place");
        assertEquals("P99999", List.copyOf(v.keySet()).get(v.size() - 1), "a new value comes last");
    }

    @Test
    void keyPositionsMustHaveMultiPurposeKeys() {
        assertThrows(IllegalArgumentException.class,
                () -> render(withKeys(List.of(new LineKey(25, LineKey.Type.BLF, "1", ""))), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> render(withKeys(List.of(
                new LineKey(3, LineKey.Type.BLF, "1", ""), new LineKey(3, LineKey.Type.SPEED_DIAL, "2", ""))), Map.of()));
        Map<String, String> v = PValues.of(withKeys(List.of(new LineKey(24, LineKey.Type.SPEED_DIAL, "9", "L"))), settings(Map.of()));
        assertEquals("0", v.get("P1460"));
        assertEquals("0", v.get("P1461"));
        assertEquals("L", v.get("P1462"));
        assertEquals("9", v.get("P1463"));
    }

    @Test
    void adminPasswordMustBeLettersAndDigits() {
        assertThrows(IllegalArgumentException.class, () -> render(Fixtures.minimal(), Map.of("adminPassword", "a&b")));
    }

    @Test
    void firmwareViaFollowsTheScheme() {
        assertEquals("0", PValues.of(Fixtures.minimal(), settings(Map.of("firmwareServer", "tftp://fw/gs"))).get("P6767"));
        Map<String, String> plain = PValues.of(Fixtures.minimal(), settings(Map.of("firmwareServer", "fw.lan/gs/")));
        assertEquals("1", plain.get("P6767"));
        assertEquals("fw.lan/gs", plain.get("P192"));
        assertThrows(IllegalArgumentException.class,
                () -> PValues.of(Fixtures.minimal(), settings(Map.of("firmwareServer", "gopher://fw"))));
    }

    @Test
    void httpsProvisioningSettingForcesP212() {
        assertEquals("2", PValues.of(Fixtures.minimal(), settings(Map.of("httpsProvisioning", true))).get("P212"));
    }

    private static ProfileSettings settings(Map<String, Object> config) {
        return ProfileSettings.of(Fixtures.config(config));
    }

    private static RenderRequest with(Assignment a) {
        return new RenderRequest(a, "GXP2160", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1);
    }

    private static RenderRequest withCodecs(List<String> codecs) {
        return with(new Assignment(Fixtures.MAC, "101", null, null, "pw", null, null, 0, null, codecs, null, null));
    }

    private static RenderRequest withOverrides(Map<String, String> overrides) {
        return with(new Assignment(Fixtures.MAC, "101", null, null, "pw", null, null, 0, null, null, null, overrides));
    }

    private static RenderRequest withKeys(List<LineKey> keys) {
        return with(new Assignment(Fixtures.MAC, "101", null, null, "pw", null, null, 0, null, null, keys, null));
    }
}
