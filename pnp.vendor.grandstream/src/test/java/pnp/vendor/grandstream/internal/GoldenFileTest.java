package pnp.vendor.grandstream.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import pnp.api.ProvisioningFile;
import pnp.api.RenderRequest;
import pnp.api.Rendering;

/**
 * Compares rendered files byte for byte with the checked-in files under {@code src/test/resources/golden}.
 * Run with {@code -Dgolden.write=true} to rewrite them after an intended change, then read the diff.
 */
class GoldenFileTest {

    @TempDir
    Path home;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("minimal", Fixtures.minimal(), Map.of()),
                Arguments.of("full", Fixtures.full(), Fixtures.fullConfig()),
                Arguments.of("hostile", Fixtures.hostile(), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void xmlMatchesGoldenFile(String name, RenderRequest request, Map<String, Object> config) throws IOException {
        Rendering rendering = Fixtures.profile(home, config).render(request);
        compare(name + ".xml", file(rendering, "cfg000b82273b89.xml").content());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void binaryMatchesGoldenFile(String name, RenderRequest request, Map<String, Object> config) throws IOException {
        Rendering rendering = Fixtures.profile(home, config).render(request);
        compare(name + ".bin", file(rendering, "cfg000b82273b89").content());
    }

    static ProvisioningFile file(Rendering rendering, String name) {
        return rendering.files().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no file " + name + " in " + rendering.files()));
    }

    private static void compare(String golden, byte[] actual) throws IOException {
        if (Boolean.getBoolean("golden.write")) {
            Path dir = Path.of("src", "test", "resources", "golden");
            Files.createDirectories(dir);
            Files.write(dir.resolve(golden), actual);
        }
        try (InputStream in = GoldenFileTest.class.getResourceAsStream("/golden/" + golden)) {
            assertNotNull(in, "golden file " + golden + " is missing");
            assertArrayEquals(in.readAllBytes(), actual, golden + " differs from the golden file");
        }
    }
}
