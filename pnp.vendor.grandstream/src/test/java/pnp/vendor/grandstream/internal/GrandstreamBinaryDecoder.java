package pnp.vendor.grandstream.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a legacy Grandstream binary file the way a phone would, written from the format description
 * alone (it shares no code with {@link BinaryConfig}). Every structural rule is asserted on the way.
 */
final class GrandstreamBinaryDecoder {

    private GrandstreamBinaryDecoder() {
    }

    /** Checks the header, checksum and trailer, and returns the P-values in file order. */
    static Map<String, String> decode(byte[] file, byte[] expectedMac) {
        assertTrue(file.length >= 16, "shorter than the header");
        assertEquals(0, file.length % 2, "odd file length");
        long words = ((file[0] & 0xffL) << 24) | ((file[1] & 0xff) << 16) | ((file[2] & 0xff) << 8) | (file[3] & 0xff);
        assertEquals(file.length / 2, words, "length field (16-bit words)");
        assertArrayEquals(expectedMac, Arrays.copyOfRange(file, 6, 12), "MAC bytes");
        assertArrayEquals(new byte[] {13, 10, 13, 10}, Arrays.copyOfRange(file, 12, 16), "CR LF CR LF");
        int sum = 0;
        for (int i = 0; i < file.length; i += 2) {
            sum += ((file[i] & 0xff) << 8) + (file[i + 1] & 0xff);
        }
        assertEquals(0, sum % 65536, "the words of the file must sum to 0 mod 65536");

        int end = file.length;
        if (file[end - 1] == 0) {
            end--;
        }
        String body = new String(file, 16, end - 16, StandardCharsets.US_ASCII);
        assertFalse(body.indexOf('\0') >= 0, "NUL inside the body");
        assertTrue(body.endsWith("&gnkey=0b82"), "gnkey=0b82 must come last: " + body);
        Map<String, String> values = new LinkedHashMap<>();
        String[] pairs = body.substring(0, body.length() - "&gnkey=0b82".length()).split("&", -1);
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            assertTrue(eq > 0, "not name=value: " + pair);
            String name = pair.substring(0, eq);
            String raw = pair.substring(eq + 1);
            assertTrue(name.matches("P[0-9]+"), "not a P-value name: " + name);
            assertFalse(raw.contains("=") || raw.contains(" ") || raw.contains("+"), "unencoded value: " + raw);
            String previous = values.put(name, URLDecoder.decode(raw, StandardCharsets.UTF_8));
            assertEquals(null, previous, name + " appears twice");
        }
        return values;
    }
}
