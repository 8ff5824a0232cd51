package pnp.vendor.grandstream.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import pnp.api.MacAddress;

/**
 * Writes the legacy binary configuration file {@code cfg<mac>} that Grandstream's configuration tool
 * emits.
 *
 * <pre>
 * bytes 0-3   total length in 16-bit words, big-endian (8 header words + body / 2)
 * bytes 4-5   checksum: makes the big-endian 16-bit words of the whole file sum to 0 mod 0x10000
 * bytes 6-11  the MAC address, six raw bytes
 * bytes 12-15 0D 0A 0D 0A
 * body        P1=v&amp;P2=v&amp;...&amp;gnkey=0b82, values percent-encoded (UTF-8), padded with 0x00 to even length
 * </pre>
 */
final class BinaryConfig {

    private static final int HEADER = 16;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private BinaryConfig() {
    }

    static byte[] encode(MacAddress mac, Map<String, String> values) {
        byte[] body = body(values);
        byte[] file = new byte[HEADER + body.length];
        int words = (HEADER + body.length) / 2;
        file[0] = (byte) (words >>> 24);
        file[1] = (byte) (words >>> 16);
        file[2] = (byte) (words >>> 8);
        file[3] = (byte) words;
        System.arraycopy(mac.bytes(), 0, file, 6, 6);
        file[12] = 0x0d;
        file[13] = 0x0a;
        file[14] = 0x0d;
        file[15] = 0x0a;
        System.arraycopy(body, 0, file, HEADER, body.length);
        int sum = 0;
        for (int i = 0; i < file.length; i += 2) {
            sum = (sum + ((file[i] & 0xff) << 8 | (file[i + 1] & 0xff))) & 0xffff;
        }
        int checksum = (0x10000 - sum) & 0xffff;
        file[4] = (byte) (checksum >>> 8);
        file[5] = (byte) checksum;
        return file;
    }

    /** {@code name=value&...&gnkey=0b82}, padded with one 0x00 when its length is odd. */
    static byte[] body(Map<String, String> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((name, value) -> b.append(name).append('=').append(percentEncode(value)).append('&'));
        b.append("gnkey=0b82");
        if (b.length() % 2 == 1) {
            b.append('\0');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Percent-encodes every UTF-8 byte except the unreserved characters of RFC 3986, so {@code &},
     * {@code =}, {@code %}, {@code +} and spaces cannot be misread whether the phone decodes {@code +}
     * as a space or not.
     */
    static String percentEncode(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (byte octet : value.getBytes(StandardCharsets.UTF_8)) {
            int c = octet & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
            }
        }
        return b.toString();
    }
}
