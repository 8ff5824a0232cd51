package pnp.vendor.grandstream.internal;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import pnp.api.Assignment;
import pnp.api.LineKey;
import pnp.api.MacAddress;
import pnp.api.PhoneSighting;
import pnp.api.RenderRequest;

/** Requests, settings and sightings shared by the tests. */
final class Fixtures {

    static final MacAddress MAC = new MacAddress("000b82273b89");
    static final String HTTP_BASE = "http://192.0.2.10:5481/provisioning/3q2-abcDEF/";
    static final String HOSTILE_NAME = "Bob <&>\"\n P2=evil";
    static final String HOSTILE_PASSWORD = "p&=%<>+ 'x";

    private Fixtures() {
    }

    /** A configuration: the annotation's defaults, with the given values in their place. */
    static GrandstreamProfile.Config config(Map<String, Object> values) {
        return (GrandstreamProfile.Config) Proxy.newProxyInstance(Fixtures.class.getClassLoader(),
                new Class<?>[] {GrandstreamProfile.Config.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> GrandstreamProfile.Config.class;
                        case "toString" -> "Config" + values;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }

    static GrandstreamProfile profile(Path home, Map<String, Object> config) {
        return new GrandstreamProfile(home, config(config));
    }

    static GrandstreamProfile profile(Path home) {
        return profile(home, Map.of());
    }

    /** Extension and password only, on a GXP2140. */
    static RenderRequest minimal() {
        Assignment a = new Assignment(MAC, "101", null, null, "s3cret", null, null, 0, null, null, null, null);
        return new RenderRequest(a, "GXP2140", "192.0.2.10", HTTP_BASE, "", "", "", 1);
    }

    /** Every field, codecs, keys and overrides, on a GXP2160 over HTTPS with HTTP authentication. */
    static RenderRequest full() {
        Assignment a = new Assignment(MAC, "102", "u102", "a102", "pw102", "Alice Example", "pbx.example.com",
                5070, "*97", List.of("G722", "pcmu", "G.729", "OPUS"),
                List.of(new LineKey(9, LineKey.Type.BLF, "104", "Carol"),
                        new LineKey(1, LineKey.Type.BLF, "103", "Bob"),
                        new LineKey(2, LineKey.Type.SPEED_DIAL, "5551234", "Pizza")),
                Map.of("P1414", "0", "P30", "ntp.example.com", "P2380", "1"));
        return new RenderRequest(a, "GXP2160", "192.0.2.10", "https://192.0.2.10:5482/provisioning/tok-9/", "",
                "prov", "pp", 7);
    }

    /** The settings {@link #full()} is rendered with. */
    static Map<String, Object> fullConfig() {
        return Map.of("timeZone", "CET-1CEST-2,M3.5.0/02:00:00,M10.5.0/03:00:00", "ntpServer", "pool.ntp.org",
                "language", "de", "firmwareServer", "https://fw.example.com/gs/", "adminPassword", "Adm1n");
    }

    /** Strings off the network and from careless administrators. */
    static RenderRequest hostile() {
        Assignment a = new Assignment(MAC, "103", null, null, HOSTILE_PASSWORD, HOSTILE_NAME, null, 0,
                "<vm>&", null, List.of(new LineKey(1, LineKey.Type.SPEED_DIAL, "1&P2=x", "</P302><P2>x</P2>")),
                Map.of("P1362", "en&P2=evil"));
        return new RenderRequest(a, "GXP2140", "192.0.2.10", HTTP_BASE, "", "", "", 3);
    }

    static PhoneSighting sighting(String mac, String vendor, String model, String userAgent) {
        return new PhoneSighting(MacAddress.parse(mac).orElseThrow(), vendor, model, "1.0.11.16", userAgent,
                "192.0.2.50", 5060, "192.0.2.50", 5060, "eth0", "192.0.2.10", true, Instant.EPOCH);
    }
}
