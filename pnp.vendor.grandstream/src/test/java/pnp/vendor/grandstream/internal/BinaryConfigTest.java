package pnp.vendor.grandstream.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;

class BinaryConfigTest {

    private static final MacAddress MAC = new MacAddress("000b82273b89");

    @Test
    void oddBodyIsPaddedWithOneNul() {
        byte[] body = BinaryConfig.body(Map.of("P1", "a"));
        assertArrayEquals("P1=a&gnkey=0b82\0".getBytes(StandardCharsets.US_ASCII), body);
    }

    @Test
    void evenBodyIsNotPadded() {
        byte[] body = BinaryConfig.body(Map.of("P1", "ab"));
        assertArrayEquals("P1=ab&gnkey=0b82".getBytes(StandardCharsets.US_ASCII), body);
    }

    @Test
    void headerOfAKnownFile() {
        byte[] file = BinaryConfig.encode(MAC, Map.of("P1", "ab"));
        assertEquals(32, file.length);
        assertArrayEquals(new byte[] {0, 0, 0, 16}, java.util.Arrays.copyOfRange(file, 0, 4), "16 words");
        assertArrayEquals(MAC.bytes(), java.util.Arrays.copyOfRange(file, 6, 12));
        assertEquals(Map.of("P1", "ab"), GrandstreamBinaryDecoder.decode(file, MAC.bytes()));
    }

    @Test
    void everyByteValueRoundTrips() {
        StringBuilder all = new StringBuilder();
        for (char c = 0x20; c < 0x7f; c++) {
            all.append(c);
        }
        all.append("\tÄ€\uD83D\uDE00");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("P3", all.toString());
        values.put("P34", "");
        assertEquals(values, GrandstreamBinaryDecoder.decode(BinaryConfig.encode(MAC, values), MAC.bytes()));
    }

    @Test
    void percentEncodingKeepsOnlyUnreservedCharacters() {
        assertEquals("a-b.c_d~e%20%2B%26%3D%25%C3%A4", BinaryConfig.percentEncode("a-b.c_d~e +&=%ä"));
    }
}
