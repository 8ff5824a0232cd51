package pnp.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pnp.api.ProvisioningFiles.Found;
import pnp.http.internal.ProvisioningPath.Requested;

class ProvisioningPathTest {

    private static final String T = FakeFiles.TOKEN;

    @Test
    void parsesTokenAndName() {
        assertEquals(new Requested(T, "cfg000b82273b89.xml"), ProvisioningPath.parse("/provisioning/" + T + "/cfg000b82273b89.xml"));
    }

    @Test
    void decodesHarmlessEscapesInTheName() {
        assertEquals(new Requested(T, "cfg.xml"), ProvisioningPath.parse("/provisioning/" + T + "/cfg%2Exml"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/provisioning/../x", "/provisioning/TOKEN/..", "/provisioning/TOKEN/.",
            "/provisioning/%2e%2e/TOKEN/x", "/provisioning/TOKEN/%2E", "/x/../provisioning/TOKEN/f",
            "/provisioning/TOKEN%2Ff", "/provisioning/TOKEN/a%2fb", "/provisioning/TOKEN/a%5Cb",
            "/provisioning/TOKEN/a\\b", "/provisioning/TOKEN/a%00", "/provisioning/TOKEN/a\u0000",
            "/provisioning/TOKEN/a%0d%0aX", "/provisioning/TOKEN/a\tb", "/provisioning/TOKEN/a b",
            "/provisioning/TOKEN/a%", "/provisioning/TOKEN/a%zz", "/provisioning/TOKEN/a%7f",
            "/provisioning/TOKEN/a;b", "/provisioning/TOKEN/caf\u00e9", "/provisioning/TOKEN/%c3%a9",
            "provisioning/TOKEN/f", "" })
    void refusesMalformedPathsWith400(String path) {
        assertSame(ProvisioningPath.MALFORMED, ProvisioningPath.parse(path.replace("TOKEN", T)));
    }

    @Test
    void refusesOverlongPathsWith400() {
        String ok = "/provisioning/" + T + "/" + "a".repeat(ProvisioningPath.MAX_LENGTH - 15 - T.length());
        assertEquals(ProvisioningPath.MAX_LENGTH, ok.length());
        assertTrue(ProvisioningPath.parse(ok) instanceof Requested);
        assertSame(ProvisioningPath.MALFORMED, ProvisioningPath.parse(ok + "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/", "/provisioning/", "/provisioning/TOKEN", "/provisioning/TOKEN/",
            "/provisioning/TOKEN/a/b", "/provisioning//TOKEN/a", "/other/TOKEN/a", "/Provisioning/TOKEN/a",
            "/provisioning/short/a", "/provisioning/0123456789abcde/a",
            "/provisioning/" + "x123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0" + "/a",
            "/provisioning/Tok3n.0123456789abcdef/a", "/provisioning/Tok3n%5F0123456789abcdef/a" })
    void answersUnknownShapesWith404(String path) {
        assertSame(ProvisioningPath.UNKNOWN, ProvisioningPath.parse(path.replace("TOKEN", T)));
    }

    @Test
    void acceptsTokenLengthsFrom16To64() {
        assertTrue(ProvisioningPath.parse("/provisioning/" + "a".repeat(16) + "/f") instanceof Requested);
        assertTrue(ProvisioningPath.parse("/provisioning/" + "a".repeat(64) + "/f") instanceof Requested);
        assertSame(ProvisioningPath.UNKNOWN, ProvisioningPath.parse("/provisioning/" + "a".repeat(15) + "/f"));
        assertSame(ProvisioningPath.UNKNOWN, ProvisioningPath.parse("/provisioning/" + "a".repeat(65) + "/f"));
    }

    @Test
    void ifNoneMatchListsStarsAndWeakTags() {
        assertTrue(ProvisioningHandler.matches("\"abc\"", "\"abc\""));
        assertTrue(ProvisioningHandler.matches("*", "\"abc\""));
        assertTrue(ProvisioningHandler.matches("\"x\", W/\"abc\"", "\"abc\""));
        assertTrue(ProvisioningHandler.matches("\"x\" ,\"abc\"", "\"abc\""));
        assertFalse(ProvisioningHandler.matches("\"abcd\", \"ab\"", "\"abc\""));
        assertFalse(ProvisioningHandler.matches("abc", "\"abc\""));
        assertFalse(ProvisioningHandler.matches("", "\"abc\""));
    }

    @Test
    void logMasksTheToken() {
        assertEquals("/provisioning/Tok3***/cfg.xml", ProvisioningHandler.masked("/provisioning/" + T + "/cfg.xml"));
        assertEquals("/provisioning/Tok3***", ProvisioningHandler.masked("/provisioning/" + T));
        assertEquals("/x/" + T, ProvisioningHandler.masked("/x/" + T));
    }

    @Test
    void fakeFilesAnswerAliases() {
        assertTrue(new FakeFiles().lookup(T, "CFG.XML", null, "http") instanceof Found);
    }
}
