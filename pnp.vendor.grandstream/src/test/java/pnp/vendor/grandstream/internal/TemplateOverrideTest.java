package pnp.vendor.grandstream.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.RenderRequest;
import pnp.api.Rendering;

/** Overrides under {@code <pnp.home>/templates/grandstream}, picked up without a restart. */
class TemplateOverrideTest {

    @TempDir
    Path home;

    private Path root() {
        return home.resolve("templates").resolve("grandstream");
    }

    private Path vendor() {
        return root().resolve("cfg.xml.ftl");
    }

    private Path model() {
        return root().resolve("model").resolve("gxp2140").resolve("cfg.xml.ftl");
    }

    private Path phone() {
        return root().resolve("phone").resolve("000b82273b89").resolve("cfg.xml.ftl");
    }

    private static void write(Path file, String text, int secondsLater) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsLater)));
    }

    private static String xml(GrandstreamProfile profile, RenderRequest request) {
        Rendering r = profile.render(request);
        return new String(GoldenFileTest.file(r, "cfg000b82273b89.xml").content(), StandardCharsets.UTF_8);
    }

    @Test
    void mostSpecificLevelWinsAndChangesApplyWithoutRestart() throws IOException {
        GrandstreamProfile profile = Fixtures.profile(home);
        RenderRequest request = Fixtures.minimal();
        String bundled = xml(profile, request);
        assertTrue(bundled.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gs_provision version=\"1\">"), bundled);

        write(vendor(), "vendor ${mac}", 0);
        assertEquals("vendor 000b82273b89", xml(profile, request));

        write(model(), "model ${model}", 0);
        assertEquals("model GXP2140", xml(profile, request));

        write(phone(), "phone ${p.P35}", 0);
        assertEquals("phone 101", xml(profile, request));

        write(phone(), "phone edited ${p.P35}", 5);
        assertEquals("phone edited 101", xml(profile, request));

        Files.delete(phone());
        assertEquals("model GXP2140", xml(profile, request));
        Files.delete(model());
        assertEquals("vendor 000b82273b89", xml(profile, request));
        Files.delete(vendor());
        assertEquals(bundled, xml(profile, request));
    }

    @Test
    void modelLevelAppliesToThatModelOnly() throws IOException {
        write(model(), "model", 0);
        GrandstreamProfile profile = Fixtures.profile(home);
        RenderRequest other = new RenderRequest(Fixtures.minimal().assignment(), "GXP2160", "h", Fixtures.HTTP_BASE,
                "", "", "", 1);
        assertEquals("model", xml(profile, Fixtures.minimal()));
        assertTrue(xml(profile, other).startsWith("<?xml"));
    }

    @Test
    void phoneLevelAppliesToThatPhoneOnly() throws IOException {
        write(root().resolve("phone").resolve("000b82000001").resolve("cfg.xml.ftl"), "other phone", 0);
        assertTrue(xml(Fixtures.profile(home), Fixtures.minimal()).startsWith("<?xml"));
    }

    @Test
    void overridesAreXmlEscapedToo() throws IOException {
        write(vendor(), "<x>${p.P3}</x><#list values as v>[${v.value}]</#list>", 0);
        String out = xml(Fixtures.profile(home), Fixtures.hostile());
        assertTrue(out.startsWith("<x>Bob &lt;&amp;&gt;&quot; P2=evil</x>"), out);
        assertTrue(out.contains("[p&amp;=%&lt;&gt;+ &apos;x]"), out);
    }

    @Test
    void aBrokenOverrideFailsTheRenderNamingTheTemplate() throws IOException {
        write(phone(), "<#if>", 0);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Fixtures.profile(home).render(Fixtures.minimal()));
        assertTrue(e.getMessage().contains("phone/000b82273b89/cfg.xml.ftl"), e.getMessage());
    }
}
