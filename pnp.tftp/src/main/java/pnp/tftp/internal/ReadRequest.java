package pnp.tftp.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed RRQ (RFC 1350 with RFC 2347 options).
 *
 * @param fileName the name as sent (not yet checked, see {@link #storeName})
 * @param netascii {@code true} for mode {@code netascii}, {@code false} for {@code octet}
 * @param options option names in lower case mapped to their values, first occurrence wins, in request order
 */
record ReadRequest(String fileName, boolean netascii, Map<String, String> options) {

    /** The longest file name accepted. */
    static final int MAX_NAME_LENGTH = 255;
    /** Options beyond this many are not read. */
    private static final int MAX_OPTIONS = 16;

    /**
     * Parses the packet between its position (the opcode) and its limit.
     *
     * @throws TftpRefusal with error 4 for a malformed packet or an unsupported mode
     */
    static ReadRequest parse(ByteBuffer packet) throws TftpRefusal {
        List<String> fields = new ArrayList<>(6);
        int end = packet.limit();
        int p = packet.position() + 2;
        while (p < end && fields.size() < 2 + 2 * MAX_OPTIONS) {
            int nul = p;
            while (nul < end && packet.get(nul) != 0) {
                nul++;
            }
            if (nul == end) {
                throw new TftpRefusal(Packets.ERR_ILLEGAL_OPERATION, "Malformed request",
                        "request field " + (fields.size() + 1) + " is not NUL-terminated");
            }
            byte[] text = new byte[nul - p];
            packet.get(p, text);
            fields.add(new String(text, StandardCharsets.ISO_8859_1));
            p = nul + 1;
        }
        if (fields.size() < 2) {
            throw new TftpRefusal(Packets.ERR_ILLEGAL_OPERATION, "Malformed request", "no file name or no mode");
        }
        String mode = fields.get(1).toLowerCase(Locale.ROOT);
        if (!mode.equals("octet") && !mode.equals("netascii")) {
            throw new TftpRefusal(Packets.ERR_ILLEGAL_OPERATION, "Unsupported mode",
                    "unsupported mode '" + ThrottledLog.printable(fields.get(1)) + "'");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 2; i + 1 < fields.size(); i += 2) {
            String name = fields.get(i).toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                options.putIfAbsent(name, fields.get(i + 1));
            }
        }
        return new ReadRequest(fields.get(0), mode.equals("netascii"), Collections.unmodifiableMap(options));
    }

    /**
     * The name to look up in the store, or a refusal (error 2, "Access violation").
     *
     * <p>Rules: at most {@value #MAX_NAME_LENGTH} characters; ONE leading {@code /} is dropped (some phones
     * ask for {@code /name}); after that the name must be non-empty printable ASCII without {@code /},
     * {@code \} or {@code ..}: the store has no directories, so nothing else can name a file in it.
     */
    static String storeName(String requested) throws TftpRefusal {
        if (requested.length() > MAX_NAME_LENGTH) {
            throw accessViolation("name longer than " + MAX_NAME_LENGTH + " characters");
        }
        String name = requested.startsWith("/") ? requested.substring(1) : requested;
        if (name.isEmpty()) {
            throw accessViolation("empty name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw accessViolation("control or non-ASCII character in name");
            }
        }
        if (name.indexOf('/') >= 0) {
            throw accessViolation("directories are not served");
        }
        if (name.indexOf('\\') >= 0) {
            throw accessViolation("backslash in name");
        }
        if (name.contains("..")) {
            throw accessViolation("'..' in name");
        }
        return name;
    }

    private static TftpRefusal accessViolation(String reason) {
        return new TftpRefusal(Packets.ERR_ACCESS_VIOLATION, "Access violation", reason);
    }
}
