package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A hand-written TFTP client on a raw {@link DatagramSocket}, strict about what it receives. */
final class TftpTestClient implements AutoCloseable {

    final DatagramSocket socket;
    final InetSocketAddress server;
    private final byte[] buffer = new byte[65536];

    TftpTestClient(InetSocketAddress server) throws IOException {
        this(server, InetAddress.getLoopbackAddress());
    }

    TftpTestClient(InetSocketAddress server, InetAddress local) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress(local, 0));
    }

    /** A packet as received. {@code number} is the block for DATA/ACK, the code for ERROR. */
    record Reply(int opcode, int number, byte[] payload, InetSocketAddress from) {

        String errorMessage() {
            assertEquals(Packets.ERROR, opcode, "not an ERROR packet");
            int end = 0;
            while (end < payload.length && payload[end] != 0) {
                end++;
            }
            return new String(payload, 0, end, StandardCharsets.US_ASCII);
        }

        /** OACK options, names as sent. */
        Map<String, String> options() {
            Map<String, String> options = new LinkedHashMap<>();
            String[] fields = new String(payload, StandardCharsets.US_ASCII).split("\0", -1);
            for (int i = 0; i + 1 < fields.length; i += 2) {
                options.put(fields[i], fields[i + 1]);
            }
            return options;
        }
    }

    /** Builds an RRQ/WRQ packet; options alternate name and value. */
    static byte[] request(int opcode, String name, String mode, String... options) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(opcode);
        for (String s : concat(name, mode, options)) {
            b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            b.write(0);
        }
        return b.toByteArray();
    }

    private static String[] concat(String name, String mode, String[] options) {
        String[] all = Arrays.copyOf(new String[] {name, mode}, 2 + options.length);
        System.arraycopy(options, 0, all, 2, options.length);
        return all;
    }

    static byte[] ack(int block) {
        return new byte[] {0, 4, (byte) (block >> 8), (byte) block};
    }

    static byte[] error(int code, String message) {
        ByteBuffer b = ByteBuffer.allocate(5 + message.length());
        b.putShort((short) 5).putShort((short) code).put(message.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        return b.array();
    }

    void send(byte[] packet, SocketAddress to) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, to));
    }

    void sendToServer(byte[] packet) throws IOException {
        send(packet, server);
    }

    /** The next packet, or {@code null} after {@code timeoutMillis}. */
    Reply receive(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        if (p.getLength() < 4) {
            fail("short packet from server: " + p.getLength() + " bytes");
        }
        int opcode = ((buffer[0] & 0xff) << 8) | (buffer[1] & 0xff);
        int number = ((buffer[2] & 0xff) << 8) | (buffer[3] & 0xff);
        byte[] payload = opcode == Packets.OACK ? Arrays.copyOfRange(buffer, 2, p.getLength())
                : Arrays.copyOfRange(buffer, 4, p.getLength());
        return new Reply(opcode, number, payload, (InetSocketAddress) p.getSocketAddress());
    }

    Reply expect(int timeoutMillis) throws IOException {
        Reply r = receive(timeoutMillis);
        assertNotNull(r, "no packet within " + timeoutMillis + " ms");
        return r;
    }

    /**
     * The DATA packet of {@code block} (number on the wire), passing over copies of earlier blocks (and of the
     * OACK) that the server resent on its timer: on a loaded machine an ACK can reach the server after its
     * timeout, and that resend is correct. Anything else fails.
     */
    Reply expectData(int block, int timeoutMillis) throws IOException {
        for (int skipped = 0; skipped < 100; skipped++) {
            Reply r = expect(timeoutMillis);
            if (r.opcode() == Packets.DATA && r.number() == block) {
                return r;
            }
            int behind = (block - r.number()) & 0xffff;
            boolean resent = r.opcode() == Packets.OACK || r.opcode() == Packets.DATA && behind >= 1 && behind <= 128;
            if (!resent) {
                fail("expected DATA " + block + ", got opcode " + r.opcode() + " number " + r.number());
            }
        }
        return fail("only resent packets while waiting for DATA " + block);
    }

    /** The result of {@link #get}. */
    record Download(byte[] content, Map<String, String> oack, int packets) {
    }

    /**
     * Downloads a file: handles an OACK, follows the negotiated block size and window, fails on anything
     * unexpected (wrong block, data from another port, an ERROR). A copy of the OACK or of a block already
     * received, which the server resends when an ACK reaches it after its timeout (a loaded machine), is
     * checked against the original and passed over, without an ACK (RFC 1350's Sorcerer's Apprentice rule);
     * it is not counted in {@link Download#packets()}.
     */
    Download get(String name, String mode, String... options) throws IOException {
        sendToServer(request(Packets.RRQ, name, mode, options));
        Reply first = expect(10_000);
        InetSocketAddress peer = first.from();
        Map<String, String> oack = Map.of();
        int blockSize = 512;
        int window = 1;
        Reply r = first;
        if (first.opcode() == Packets.OACK) {
            oack = first.options();
            blockSize = Integer.parseInt(oack.getOrDefault("blksize", "512"));
            window = Integer.parseInt(oack.getOrDefault("windowsize", "1"));
            send(ack(0), peer);
            r = expect(10_000);
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        long expected = 1;
        int inWindow = 0;
        int packets = 0;
        while (true) {
            if (r.opcode() == Packets.ERROR) {
                fail("server error " + r.number() + ": " + r.errorMessage());
            }
            assertEquals(peer, r.from(), "data from another port");
            if (r.opcode() == Packets.OACK && expected == 1) {
                assertEquals(oack, r.options(), "a resent OACK is the same OACK");
                r = expect(10_000);
                continue;
            }
            assertEquals(Packets.DATA, r.opcode(), "opcode");
            long behind = (expected - r.number()) & 0xffff;
            if (behind >= 1 && behind <= 2L * window && behind < expected) {
                // a resend of a block we have (the window resent from its start): same bytes, no ACK
                byte[] have = content.toByteArray();
                int from = (int) ((expected - behind - 1) * blockSize);
                assertArrayEquals(Arrays.copyOfRange(have, from, Math.min(have.length, from + blockSize)),
                        r.payload(), "resent block " + r.number() + " differs");
                r = expect(10_000);
                continue;
            }
            assertEquals(expected & 0xffff, r.number(), "block number");
            if (r.payload().length > blockSize) {
                fail("block of " + r.payload().length + " bytes, blksize " + blockSize);
            }
            packets++;
            content.writeBytes(r.payload());
            inWindow++;
            boolean last = r.payload().length < blockSize;
            if (last || inWindow == window) {
                send(ack((int) expected), peer);
                inWindow = 0;
            }
            if (last) {
                return new Download(content.toByteArray(), oack, packets);
            }
            expected++;
            r = expect(10_000);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
