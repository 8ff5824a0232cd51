package pnp.vendor.yealink.internal;

import java.lang.reflect.Proxy;
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

    static final MacAddress MAC = new MacAddress("001565f4f9e1");
    static final String HTTP_BASE = "http://192.0.2.10:5481/provisioning/3q2-abcDEF/";

    private Fixtures() {
    }

    /** A configuration: the annotation's defaults, with the given values in their place. */
    static YealinkProfile.Config config(Map<String, Object> values) {
        return (YealinkProfile.Config) Proxy.newProxyInstance(Fixtures.class.getClassLoader(),
                new Class<?>[] {YealinkProfile.Config.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> YealinkProfile.Config.class;
                        case "toString" -> "Config" + values;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }

    static YealinkProfile profile(Map<String, Object> config) {
        return new YealinkProfile(config(config));
    }

    static YealinkProfile profile() {
        return profile(Map.of());
    }

    /** Extension and password only, on a T46S. */
    static RenderRequest minimal() {
        Assignment a = new Assignment(MAC, "201", null, null, "s3cret", null, null, 0, null, null, null, null);
        return new RenderRequest(a, "T46S", "192.0.2.10", HTTP_BASE, "", "", "", 1);
    }

    /** Every field, codecs, keys and overrides, with HTTP authentication. */
    static RenderRequest full() {
        Assignment a = new Assignment(MAC, "202", "u202", "a202", "pw#202=x", "Alice Example", "pbx.example.com",
                5070, "*97", List.of("G722", "pcmu", "G.729"),
                List.of(new LineKey(9, LineKey.Type.BLF, "204", "Carol"),
                        new LineKey(1, LineKey.Type.BLF, "203", "Bob"),
                        new LineKey(2, LineKey.Type.SPEED_DIAL, "5551234", "Pizza")),
                Map.of("local_time.time_zone", "+1", "account.1.label", "Front desk"));
        return new RenderRequest(a, "T54W", "192.0.2.10", "https://192.0.2.10:5482/provisioning/tok-9/", "",
                "001565f4f9e1", "http-pw", 7);
    }

    static PhoneSighting sighting(String mac, String vendor, String userAgent) {
        return new PhoneSighting(MacAddress.parse(mac).orElseThrow(), vendor, "T46S", "66.86.0.15", userAgent,
                "192.0.2.50", 5060, "192.0.2.50", 5060, "eth0", "192.0.2.10", true, Instant.EPOCH);
    }
}
