package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.Assignment;
import pnp.api.MacAddress;
import pnp.api.Rendering;

/** Overrides under a temporary pnp.home, picked up by one profile instance without restart. */
class TemplateOverrideTest {

    private static final MacAddress OTHER = MacAddress.parse("808287aaaaaa").orElseThrow();

    @TempDir
    Path home;
    private Path root;
    private AtcomProfile profile;

    @BeforeEach
    void setUp() {
        root = AtcomProfile.templateRoot(home.toString());
        profile = new AtcomProfile(root, AtcomSettings.of(Fixtures.config(Map.of())));
    }

    private String phoneFile(MacAddress mac, String model) {
        Assignment a = new Assignment(mac, "201", null, null, "pw", null, null, 0, null, null, null, null);
        return Fixtures.text(profile.render(Fixtures.request(a, model, 3)), mac.value() + ".cfg");
    }

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void rootIsBelowHome() {
        assertEquals(home.resolve("templates").resolve("atcom"), root);
        assertEquals(Path.of(System.getProperty("user.dir"), "templates", "atcom"), AtcomProfile.templateRoot(null));
    }

    @Test
    void mostSpecificLevelWins() throws IOException {
        assertTrue(phoneFile(Fixtures.MAC, "A41").startsWith("<<VOIP CONFIG FILE>>"), "bundle template");

        write("phone.cfg.ftl", "vendor ${account.extension}\n");
        assertEquals("vendor 201\n", phoneFile(Fixtures.MAC, "A41"));

        write("model/a41/phone.cfg.ftl", "model ${model}\n");
        assertEquals("model A41\n", phoneFile(Fixtures.MAC, "A41"));
        assertEquals("vendor 201\n", phoneFile(Fixtures.MAC, "A20"), "other model");
        assertEquals("vendor 201\n", phoneFile(Fixtures.MAC, ""), "model unknown");

        write("phone/808287010203/phone.cfg.ftl", "phone ${mac}\n");
        assertEquals("phone 808287010203\n", phoneFile(Fixtures.MAC, "A41"));
        assertEquals("model A41\n", phoneFile(OTHER, "A41"), "other phone");

        Files.delete(root.resolve("phone/808287010203/phone.cfg.ftl"));
        assertEquals("model A41\n", phoneFile(Fixtures.MAC, "A41"), "removal is noticed");
    }

    @Test
    void editsAreNoticedAtOnce() throws IOException {
        write("phone.cfg.ftl", "one\n");
        assertEquals("one\n", phoneFile(Fixtures.MAC, ""));
        write("phone.cfg.ftl", "three\n");
        assertEquals("three\n", phoneFile(Fixtures.MAC, ""));
    }

    @Test
    void importedMacrosAreOverriddenPerLevelToo() throws IOException {
        String bundleMacros = new String(AtcomProfile.class.getClassLoader()
                .getResourceAsStream("templates/atcom/atcom.ftl").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        write("model/a41/atcom.ftl", bundleMacros.replace("\"PCMU\": \"G711U\"", "\"PCMU\": \"PCMU/8000\""));
        assertTrue(phoneFile(Fixtures.MAC, "A41").contains("Voice Codec1 :PCMU/8000\n"));
        assertTrue(phoneFile(Fixtures.MAC, "A20").contains("Voice Codec1 :G711U\n"));
    }

    @Test
    void commonFilesUseVendorLevelOnly() throws IOException {
        write("phone/808287010203/common.cfg.ftl", "phone common\n");
        write("model/a41/common.cfg.ftl", "model common\n");
        Rendering r = profile.render(Fixtures.request(Fixtures.minimal(), "A41", 3));
        assertTrue(Fixtures.text(r, "a000000000041.cfg").startsWith("<<VOIP CONFIG FILE>>"));

        write("common.cfg.ftl", "${family} ${fileName} ${version}\n");
        r = profile.render(Fixtures.request(Fixtures.minimal(), "A41", 3));
        assertEquals("A41 a000000000041.cfg 2.0000000003\n", Fixtures.text(r, "a000000000041.cfg"));
        assertEquals("D3X d000000000030.cfg 2.0000000003\n", Fixtures.text(r, "d000000000030.cfg"));
    }

    @Test
    void brokenOverrideFailsTheRenderWithItsReason() throws IOException {
        write("phone.cfg.ftl", "${noSuchVariable}\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> phoneFile(Fixtures.MAC, ""));
        assertTrue(e.getMessage().contains("noSuchVariable"), e.getMessage());
    }

    @Test
    void templatesCannotReachJava() throws IOException {
        write("phone.cfg.ftl", "<#assign ex = \"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}\n");
        assertThrows(IllegalStateException.class, () -> phoneFile(Fixtures.MAC, ""));
    }
}
