package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import pnp.api.Assignment;
import pnp.api.LineKey;
import pnp.api.MacAddress;
import pnp.api.ProvisioningFile;
import pnp.api.RenderRequest;
import pnp.api.Rendering;

/** Shared inputs and helpers: components are built directly, no OSGi framework. */
final class Fixtures {

    static final MacAddress MAC = MacAddress.parse("80:82:87:01:02:03").orElseThrow();
    static final String SERVER = "192.0.2.10";
    static final String HTTP_BASE = "http://192.0.2.10:5481/provisioning/Zq7tK2pW/";
    static final String TFTP_BASE = "tftp://192.0.2.10";
    /** Where no override exists: the bundle's templates are used. */
    static final Path NO_OVERRIDES = Path.of("target", "no-template-overrides");

    private Fixtures() {
    }

    /** A {@link AtcomProfile.Config} with the annotation's defaults, except the given values. */
    static AtcomProfile.Config config(Map<String, Object> values) {
        return (AtcomProfile.Config) Proxy.newProxyInstance(Fixtures.class.getClassLoader(),
                new Class<?>[] {AtcomProfile.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> AtcomProfile.Config.class;
                    case "toString" -> "Config" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.containsKey(method.getName()) ? values.get(method.getName())
                            : method.getDefaultValue();
                });
    }

    static AtcomProfile profile(Map<String, Object> settings) {
        return profile(NO_OVERRIDES, settings);
    }

    static AtcomProfile profile(Path templateRoot, Map<String, Object> settings) {
        return new AtcomProfile(templateRoot, AtcomSettings.of(config(settings)));
    }

    static Assignment minimal() {
        return new Assignment(MAC, "201", null, null, "pw-Minimal-201", null, null, 0, null, null, null, null);
    }

    static Assignment full() {
        return new Assignment(MAC, "4711", "alice4711", "auth-alice", "S3cr3t:pw", "Alice Example",
                "pbx.example.com", 5080, "*97", List.of("g722", "PCMA", "PCMU", "G729"),
                List.of(new LineKey(2, LineKey.Type.BLF, "4712", "Bob"),
                        new LineKey(1, LineKey.Type.SPEED_DIAL, "*97", "Voicemail")),
                Map.of("SIP CONFIG MODULE/SIP1 Register TTL", "600",
                        "SIP CONFIG MODULE/SIP1 Register Port", "5090",
                        "PHONE FEATURE MODULE/Call Waiting", "1"));
    }

    /** Every string field tries to add or change a setting. */
    static Assignment hostile() {
        return new Assignment(MAC, "300\nSIP1 Register Addr :evil.example",
                "u300\r\nSIP1 Enable Reg :0", "a300\u2028<SIP CONFIG MODULE>",
                "pw\n<<END OF FILE>>", "Bob <&>\"\n P2=evil\u0085x\nSIP1 Register Pswd :hack",
                "pbx.example.com\r\n<AUTOUPDATE CONFIG MODULE>\nDownload Server IP :tftp://evil", 0,
                "*97\u0000\tSIP2 Enable Reg :1", List.of("PCMU\nVoice Codec9 :EVIL"),
                List.of(new LineKey(1, LineKey.Type.BLF, "4712\nFkey9 Type :1", "Lbl\u202E\r\nFkey1 Value :666")),
                Map.of("SIP CONFIG MODULE/SIP1 Register TTL\nSIP1 Register Pswd", "60\nSIP1 Register User :root",
                        "EVIL>\n<SIP CONFIG MODULE/X", "1"));
    }

    static RenderRequest request(Assignment assignment, String model, long revision) {
        return new RenderRequest(assignment, model, SERVER, HTTP_BASE, TFTP_BASE, "", "", revision);
    }

    static ProvisioningFile file(Rendering rendering, String name) {
        ProvisioningFile found = rendering.files().stream().filter(f -> f.answersTo(name)).findFirst().orElse(null);
        assertNotNull(found, () -> name + " not among " + rendering.files());
        return found;
    }

    static String text(Rendering rendering, String name) {
        return new String(file(rendering, name).content(), StandardCharsets.UTF_8);
    }

    /**
     * Reads a file as ATCOM's format: header, {@code <SECTION>} lines and {@code Key :value} lines
     * (key before the first ':', trimmed), footer.
     */
    static List<Line> parse(String text) {
        List<Line> lines = new ArrayList<>();
        String section = "";
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("<<")) {
                lines.add(new Line("", line, ""));
            } else if (line.startsWith("<") && line.endsWith(">")) {
                section = line.substring(1, line.length() - 1);
                lines.add(new Line(section, "", ""));
            } else if (!line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new AssertionError("neither section nor setting: " + line);
                }
                lines.add(new Line(section, line.substring(0, colon).strip(), line.substring(colon + 1)));
            }
        }
        return lines;
    }

    /** One line of a file: a setting (key and value), a section start (empty key), or header/footer. */
    record Line(String section, String key, String value) {
    }
}
