package pnp.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A small TFTP read client (RFC 1350, options RFC 2347, blksize RFC 2348, tsize RFC 2349) on a socket
 * bound to the phone's own address, octet mode. Lost packets are handled by resending the last packet
 * (RRQ or ACK) after a timeout, a bounded number of times; duplicate DATA is acknowledged again;
 * packets from a foreign transfer ID get ERROR 5 and are otherwise ignored. Everything is bounded by
 * the caller's deadline and {@code maxBytes}.
 */
final class TftpGet {

    static final int RRQ = 1;
    static final int WRQ = 2;
    static final int DATA = 3;
    static final int ACK = 4;
    static final int ERROR = 5;
    static final int OACK = 6;

    /** A TFTP ERROR from the server, or a transfer that gave up. */
    static final class TftpException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int code;

        /** @param code the TFTP error code; -1 when the transfer timed out or broke down locally */
        TftpException(int code, String message) {
            super(message);
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    private final InetAddress local;
    private final int blockSize;
    private final int timeoutMillis;
    private final int retries;
    private final long maxBytes;

    /**
     * @param local the phone's own address, null for any
     * @param blockSize 512 for plain RFC 1350 (no options); anything else (8..65464) asks for it with
     *        the blksize option, plus tsize
     * @param timeoutMillis how long to wait for the next packet before resending
     * @param retries how many resends of one packet before giving up
     */
    TftpGet(InetAddress local, int blockSize, int timeoutMillis, int retries, long maxBytes) {
        if (blockSize < 8 || blockSize > 65464) {
            throw new IllegalArgumentException("TFTP block size must be 8..65464: " + blockSize);
        }
        this.local = local;
        this.blockSize = blockSize;
        this.timeoutMillis = timeoutMillis;
        this.retries = retries;
        this.maxBytes = maxBytes;
    }

    byte[] get(InetSocketAddress server, String file, long deadlineNanos) throws IOException {
        boolean options = blockSize != 512;
        byte[] rrq = request(file, options ? blockSize : 0);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(local, 0))) {
            byte[] in = new byte[Math.max(blockSize, 512) + 4];
            DatagramPacket last = new DatagramPacket(rrq, rrq.length, server);
            socket.send(last);
            int tries = 0;
            int size = 512;
            int expected = 1; // next block number, 16 bits, rolls over
            InetSocketAddress peer = null; // the server's transfer ID once it answered
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean first = true;
            while (true) {
                long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    throw new TftpException(-1, "TFTP timed out (deadline) reading " + file);
                }
                socket.setSoTimeout((int) Math.min(timeoutMillis, leftMs));
                DatagramPacket p = new DatagramPacket(in, in.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    if (++tries > retries) {
                        throw new TftpException(-1, "TFTP timed out reading " + file + " (" + retries
                                + " resends, " + (first ? "no answer" : "at block " + expected) + ")");
                    }
                    socket.send(last);
                    continue;
                }
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                if (!from.getAddress().equals(server.getAddress())) {
                    continue; // not the server we asked
                }
                if (peer != null && !peer.equals(from)) {
                    byte[] err = error(5, "Unknown transfer ID");
                    socket.send(new DatagramPacket(err, err.length, from));
                    continue;
                }
                int len = p.getLength();
                if (len < 4) {
                    continue;
                }
                int op = ((in[0] & 0xff) << 8) | (in[1] & 0xff);
                int num = ((in[2] & 0xff) << 8) | (in[3] & 0xff);
                switch (op) {
                    case ERROR -> {
                        int end = 4;
                        while (end < len && in[end] != 0) {
                            end++;
                        }
                        throw new TftpException(num, "TFTP error " + num + " "
                                + new String(in, 4, end - 4, StandardCharsets.US_ASCII).strip() + ": " + file);
                    }
                    case OACK -> {
                        if (!first || !options) {
                            continue; // only valid as the first answer to our options
                        }
                        Map<String, String> o = options(in, 2, len);
                        String b = o.get("blksize");
                        if (b != null) {
                            long agreed = number(b, file);
                            if (agreed < 8 || agreed > blockSize) {
                                byte[] err = error(8, "blksize refused");
                                socket.send(new DatagramPacket(err, err.length, from));
                                throw new TftpException(8, "TFTP server offered blksize " + agreed + ": " + file);
                            }
                            size = (int) agreed;
                        }
                        String t = o.get("tsize");
                        if (t != null && number(t, file) > maxBytes) {
                            byte[] err = error(3, "file too large");
                            socket.send(new DatagramPacket(err, err.length, from));
                            throw new TftpException(3, "TFTP file larger than " + maxBytes + " bytes: " + file);
                        }
                        peer = from;
                        first = false;
                        last = ack(0, from);
                        socket.send(last);
                        tries = 0;
                    }
                    case DATA -> {
                        if (first) {
                            peer = from; // no OACK: the server ignored our options, 512-byte blocks
                            first = false;
                        }
                        int payload = len - 4;
                        if (num == expected) {
                            if (out.size() + payload > maxBytes) {
                                byte[] err = error(3, "file too large");
                                socket.send(new DatagramPacket(err, err.length, from));
                                throw new TftpException(3, "TFTP file larger than " + maxBytes + " bytes: " + file);
                            }
                            out.write(in, 4, payload);
                            last = ack(num, from);
                            socket.send(last);
                            tries = 0;
                            expected = (expected + 1) & 0xffff;
                            if (payload < size) {
                                return out.toByteArray();
                            }
                        } else if (num == ((expected - 1) & 0xffff)) {
                            socket.send(ack(num, from)); // our ACK was lost: acknowledge again
                        }
                    }
                    default -> {
                        // RRQ/WRQ/ACK are not for a reader
                    }
                }
            }
        }
    }

    private static long number(String s, String file) throws TftpException {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new TftpException(8, "TFTP server sent a bad option value '" + s + "': " + file);
        }
    }

    /** A read request in octet mode; with options blksize (when {@code blksize > 0}) and tsize. */
    static byte[] request(String file, int blksize) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(RRQ);
        cstring(b, file);
        cstring(b, "octet");
        if (blksize > 0) {
            cstring(b, "blksize");
            cstring(b, Integer.toString(blksize));
            cstring(b, "tsize");
            cstring(b, "0");
        }
        return b.toByteArray();
    }

    private static DatagramPacket ack(int block, InetSocketAddress to) {
        byte[] a = {0, ACK, (byte) (block >> 8), (byte) block};
        return new DatagramPacket(a, a.length, to);
    }

    static byte[] error(int code, String message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(ERROR);
        b.write(code >> 8);
        b.write(code);
        cstring(b, message);
        return b.toByteArray();
    }

    /** NUL-terminated name/value pairs from {@code from} to {@code to}; names lower case. */
    static Map<String, String> options(byte[] data, int from, int to) {
        Map<String, String> o = new HashMap<>();
        int i = from;
        while (i < to) {
            int e1 = i;
            while (e1 < to && data[e1] != 0) {
                e1++;
            }
            int e2 = e1 + 1;
            while (e2 < to && data[e2] != 0) {
                e2++;
            }
            if (e1 >= to || e2 > to) {
                break;
            }
            o.put(new String(data, i, e1 - i, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT),
                    new String(data, e1 + 1, e2 - e1 - 1, StandardCharsets.US_ASCII));
            i = e2 + 1;
        }
        return o;
    }

    private static void cstring(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
    }
}
