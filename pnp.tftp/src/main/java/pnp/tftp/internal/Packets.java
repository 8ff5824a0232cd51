package pnp.tftp.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** TFTP wire constants (RFC 1350, RFC 2347) and the few packets built outside the hot path. */
final class Packets {

    static final int RRQ = 1;
    static final int WRQ = 2;
    static final int DATA = 3;
    static final int ACK = 4;
    static final int ERROR = 5;
    static final int OACK = 6;

    static final int ERR_NOT_DEFINED = 0;
    static final int ERR_FILE_NOT_FOUND = 1;
    static final int ERR_ACCESS_VIOLATION = 2;
    static final int ERR_ILLEGAL_OPERATION = 4;
    static final int ERR_UNKNOWN_TID = 5;
    static final int ERR_OPTION_REFUSED = 8;

    private Packets() {
    }

    /** Writes an ERROR packet into {@code out} (cleared first) and flips it for sending. */
    static ByteBuffer error(ByteBuffer out, int code, String message) {
        out.clear();
        out.putShort((short) ERROR).putShort((short) code);
        out.put(message.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        return out.flip();
    }

    /** Builds an OACK from alternating option names and values. */
    static byte[] oack(String... namesAndValues) {
        int length = 2;
        for (String s : namesAndValues) {
            length += s.length() + 1;
        }
        ByteBuffer b = ByteBuffer.allocate(length).putShort((short) OACK);
        for (String s : namesAndValues) {
            b.put(s.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        }
        return b.array();
    }
}
