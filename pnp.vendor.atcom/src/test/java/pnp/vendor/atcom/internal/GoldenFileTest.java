package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pnp.api.Assignment;
import pnp.api.RenderRequest;
import pnp.api.Rendering;

/**
 * Rendered files compared byte for byte with {@code src/test/resources/golden/<case>/}. After a
 * deliberate format change, regenerate with {@code -Dgolden.update=true}, read the diff, and check
 * the new files in.
 */
class GoldenFileTest {

    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

    @ParameterizedTest
    @ValueSource(strings = {"minimal", "full", "hostile"})
    void matchesGoldenFiles(String name) throws IOException {
        Rendering r = render(name);
        compare(name, "808287010203.cfg", Fixtures.file(r, "808287010203.cfg").content());
        compare(name, "a000000000041.cfg", Fixtures.file(r, "a000000000041.cfg").content());
        compare(name, "notify.txt", (r.notifyUrl() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Rendering render(String name) {
        return switch (name) {
            case "minimal" -> Fixtures.profile(Map.of()).render(Fixtures.request(Fixtures.minimal(), "", 1));
            case "full" -> Fixtures.profile(Map.of("urlScheme", "http", "ntpServer", "ntp.example.org",
                    "timeZone", "+1", "language", "en", "_adminPassword", "Adm1nPw",
                    "firmwareServer", "http://fw.example.org/atcom/"))
                    .render(new RenderRequest(Fixtures.full(), "A41", Fixtures.SERVER, Fixtures.HTTP_BASE,
                            Fixtures.TFTP_BASE, "dl-user", "dl-Pa55", 42));
            case "hostile" -> {
                Assignment a = Fixtures.hostile();
                yield Fixtures.profile(Map.of("ntpServer", "ntp.example.org\nSIP1 Register Pswd :x",
                        "timeZone", "+1\r\n<SIP CONFIG MODULE>", "language", "en\u2028Language :de"))
                        .render(Fixtures.request(a, "A41\nx", 9_999_999_999L));
            }
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static void compare(String name, String file, byte[] actual) throws IOException {
        Path golden = GOLDEN.resolve(name).resolve(file);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.write(golden, actual);
        }
        assertTrue(Files.exists(golden), golden + " missing: run with -Dgolden.update=true and review it");
        assertEquals(new String(Files.readAllBytes(golden), StandardCharsets.UTF_8),
                new String(actual, StandardCharsets.UTF_8), golden.toString());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(golden), actual), golden + " differs in bytes");
    }
}
