package pnp.simulator;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny TFTP server on loopback for the tests (written from RFC 1350/2347/2348, independent of the
 * client): serves files from a map, one thread and one socket (its transfer ID) per transfer, honours
 * blksize when {@link #options} is on, and can misbehave on purpose: drop the first RRQs, send a block
 * twice.
 */
final class TestTftpServer implements AutoCloseable {

    /** A read request as received: file name, options, the client's address. */
    record Rrq(String file, Map<String, String> options, InetSocketAddress client) {
    }

    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final List<Rrq> requests = new CopyOnWriteArrayList<>();
    volatile boolean options = true;
    /** RRQs ignored before one is served (a lost request). */
    final AtomicInteger dropRequests = new AtomicInteger();
    /** Send every DATA block twice (a duplicate, as when an ACK is late). */
    volatile boolean duplicateData;
    private final DatagramSocket socket;

    TestTftpServer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::listen, "test-tftp");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void listen() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            if (p.getLength() < 4 || buf[1] != 1) {
                continue;
            }
            List<String> fields = new ArrayList<>();
            int start = 2;
            for (int i = 2; i < p.getLength(); i++) {
                if (buf[i] == 0) {
                    fields.add(new String(buf, start, i - start, StandardCharsets.US_ASCII));
                    start = i + 1;
                }
            }
            Map<String, String> opts = new ConcurrentHashMap<>();
            for (int i = 2; i + 1 < fields.size(); i += 2) {
                opts.put(fields.get(i).toLowerCase(), fields.get(i + 1));
            }
            InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
            requests.add(new Rrq(fields.get(0), opts, client));
            if (dropRequests.getAndDecrement() > 0) {
                continue;
            }
            Thread t = new Thread(() -> transfer(fields.get(0), opts, client), "test-tftp-transfer");
            t.setDaemon(true);
            t.start();
        }
    }

    private void transfer(String file, Map<String, String> opts, InetSocketAddress client) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(2000);
            byte[] content = files.get(file);
            if (content == null) {
                byte[] msg = "File not found".getBytes(StandardCharsets.US_ASCII);
                byte[] err = new byte[5 + msg.length];
                err[1] = 5;
                err[3] = 1;
                System.arraycopy(msg, 0, err, 4, msg.length);
                s.send(new DatagramPacket(err, err.length, client));
                return;
            }
            int size = 512;
            if (options && opts.containsKey("blksize")) {
                size = Math.min(Integer.parseInt(opts.get("blksize")), 1400);
                StringBuilder oack = new StringBuilder();
                oack.append("blksize\0").append(size).append('\0');
                if (opts.containsKey("tsize")) {
                    oack.append("tsize\0").append(content.length).append('\0');
                }
                byte[] o = oack.toString().getBytes(StandardCharsets.US_ASCII);
                byte[] pkt = new byte[2 + o.length];
                pkt[1] = 6;
                System.arraycopy(o, 0, pkt, 2, o.length);
                if (!sendAndAwaitAck(s, pkt, client, 0)) {
                    return;
                }
            }
            int block = 1;
            for (int off = 0;; off += size, block++) {
                int n = Math.max(0, Math.min(size, content.length - off));
                byte[] pkt = new byte[4 + n];
                pkt[1] = 3;
                pkt[2] = (byte) (block >> 8);
                pkt[3] = (byte) block;
                System.arraycopy(content, Math.min(off, content.length), pkt, 4, n);
                if (duplicateData) {
                    s.send(new DatagramPacket(pkt, pkt.length, client));
                }
                if (!sendAndAwaitAck(s, pkt, client, block & 0xffff)) {
                    return;
                }
                if (n < size) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client's test sees it
        }
    }

    private static boolean sendAndAwaitAck(DatagramSocket s, byte[] pkt, InetSocketAddress client, int block)
            throws IOException {
        byte[] in = new byte[512];
        for (int tries = 0; tries < 5; tries++) {
            s.send(new DatagramPacket(pkt, pkt.length, client));
            long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until) {
                DatagramPacket p = new DatagramPacket(in, in.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (p.getLength() >= 4 && in[1] == 4 && (((in[2] & 0xff) << 8) | (in[3] & 0xff)) == block) {
                    return true;
                }
            }
        }
        return false;
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    static boolean same(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    @Override
    public void close() {
        socket.close();
    }
}
