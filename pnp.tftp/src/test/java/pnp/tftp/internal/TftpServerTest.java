package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pnp.tftp.internal.TftpTestClient.Download;
import pnp.tftp.internal.TftpTestClient.Reply;

/** The engine on 127.0.0.1 against a hand-written client. */
class TftpServerTest {

    static final Map<String, byte[]> FILES = Map.of(
            "empty.cfg", new byte[0],
            "one.bin", bytes(1, 1),
            "511.bin", bytes(511, 2),
            "512.bin", bytes(512, 3),
            "1536.bin", bytes(1536, 4),
            "big.bin", bytes(200 * 1024, 5),
            "wrap.bin", bytes(70_000 * 8, 6),
            "a000000000010.cfg", "common=1\n".getBytes(StandardCharsets.US_ASCII));

    static final Queue<String> DELIVERED = new ConcurrentLinkedQueue<>();
    static TftpServer server;
    static InetSocketAddress address;

    static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static TftpSettings settings(int timeoutSeconds, int retries, int maxTransfers, int perAddress, int maxBlock) {
        return new TftpSettings(InetAddress.getLoopbackAddress(), 0, maxBlock, timeoutSeconds, retries,
                maxTransfers, perAddress, 2);
    }

    static TftpServer start(Map<String, byte[]> files, TftpSettings settings) throws IOException {
        TftpServer s = new TftpServer((name, requester) -> {
            byte[] content = files.get(name);
            if (content == null) {
                return new TftpFiles.Missing("not in the test map");
            }
            return new TftpFiles.Download(content.clone(), () -> DELIVERED.add(name + " " + requester.getHostAddress()));
        }, settings);
        s.start();
        return s;
    }

    @BeforeAll
    static void startServer() throws IOException {
        server = start(FILES, settings(1, 5, 512, 8, TftpSettings.MAX_BLOCK_SIZE));
        address = server.localAddress();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static TftpTestClient client() throws IOException {
        return new TftpTestClient(address);
    }

    /** Polls for the condition, 10 s at most, counted in time (a loaded machine oversleeps). */
    static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(50);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty.cfg", "one.bin", "511.bin", "512.bin", "1536.bin", "big.bin"})
    void octetDownloadsMatch(String name) throws Exception {
        try (TftpTestClient c = client()) {
            Download d = c.get(name, "octet");
            assertArrayEquals(FILES.get(name), d.content());
            assertEquals(FILES.get(name).length / 512 + 1, d.packets(), "a full last block is followed by an empty one");
            assertTrue(d.oack().isEmpty());
        }
        waitUntil(() -> DELIVERED.contains(name + " 127.0.0.1"), "delivery recorded for " + name);
    }

    @Test
    void leadingSlashAndModeCaseAreAccepted() throws Exception {
        try (TftpTestClient c = client()) {
            assertArrayEquals(FILES.get("a000000000010.cfg"), c.get("/a000000000010.cfg", "OCTET").content());
        }
    }

    @Test
    void netasciiConvertsLineEndsAcrossBlocks() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append("line ").append(i).append(i % 3 == 0 ? "\r" : "").append('\n');
        }
        text.append("end\r");
        byte[] raw = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] expected = text.toString().replace("\r", "\r\0").replace("\n", "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        // a CR or LF exactly at a block boundary: put one at offset 511 of the encoded output
        byte[] boundary = new byte[600];
        java.util.Arrays.fill(boundary, (byte) 'x');
        boundary[511] = '\n';
        byte[] boundaryExpected = new String(boundary, StandardCharsets.US_ASCII).replace("\n", "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        TftpServer s = start(Map.of("t.txt", raw, "b.txt", boundary), settings(1, 5, 16, 8, 65464));
        try (TftpTestClient c = new TftpTestClient(s.localAddress())) {
            assertArrayEquals(expected, c.get("t.txt", "netascii").content());
            assertArrayEquals(boundaryExpected, c.get("b.txt", "netascii").content());
            Download windowed = c.get("t.txt", "netascii", "blksize", "8", "windowsize", "7", "tsize", "0");
            assertArrayEquals(expected, windowed.content());
            assertEquals(Integer.toString(expected.length), windowed.oack().get("tsize"), "tsize is the wire size");
        } finally {
            s.close();
        }
    }

    @Test
    void optionsAreAcknowledged() throws Exception {
        byte[] big = FILES.get("big.bin");
        try (TftpTestClient c = client()) {
            Download d = c.get("big.bin", "octet", "blksize", "1428", "tsize", "0", "timeout", "3", "foo", "bar");
            assertArrayEquals(big, d.content());
            assertEquals(Map.of("blksize", "1428", "tsize", Integer.toString(big.length), "timeout", "3"), d.oack());
            assertEquals(big.length / 1428 + 1, d.packets());
        }
        try (TftpTestClient c = client()) {
            Download d = c.get("big.bin", "octet", "BLKSIZE", "65464");
            assertArrayEquals(big, d.content());
            assertEquals("65464", d.oack().get("blksize"));
        }
    }

    @Test
    void emptyFileGetsNoTransferSize() throws Exception {
        try (TftpTestClient c = client()) {
            Download d = c.get("empty.cfg", "octet", "tsize", "0", "blksize", "1024");
            assertEquals(Map.of("blksize", "1024"), d.oack(), "curl refuses tsize 0");
            assertEquals(0, d.content().length);
            assertTrue(c.get("empty.cfg", "octet", "tsize", "0").oack().isEmpty());
        }
    }

    @Test
    void blockSizeIsClampedToTheConfiguredMaximum() throws Exception {
        TftpServer s = start(FILES, settings(1, 5, 16, 8, 1024));
        try (TftpTestClient c = new TftpTestClient(s.localAddress())) {
            Download d = c.get("big.bin", "octet", "blksize", "8192");
            assertEquals("1024", d.oack().get("blksize"));
            assertArrayEquals(FILES.get("big.bin"), d.content());
        } finally {
            s.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "7", "65465", "70000", "abc", "", "-5", "99999999999999999999"})
    void invalidBlockSizeIsIgnored(String value) throws Exception {
        try (TftpTestClient c = client()) {
            Download d = c.get("1536.bin", "octet", "blksize", value);
            assertTrue(d.oack().isEmpty(), "no OACK, RFC 1350 transfer");
            assertArrayEquals(FILES.get("1536.bin"), d.content());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "", "1x"})
    void garbageTransferSizeIsIgnored(String value) throws Exception {
        try (TftpTestClient c = client()) {
            Download d = c.get("512.bin", "octet", "tsize", value, "blksize", "256");
            assertEquals(Map.of("blksize", "256"), d.oack());
            assertArrayEquals(FILES.get("512.bin"), d.content());
        }
    }

    @Test
    void windowSizeSendsAWindowBeforeWaiting() throws Exception {
        try (TftpTestClient c = client()) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "big.bin", "octet", "windowsize", "4", "blksize",
                    "1000", "timeout", "5"));
            Reply oack = c.expect(5000);
            assertEquals(Map.of("windowsize", "4", "blksize", "1000", "timeout", "5"), oack.options());
            c.send(TftpTestClient.ack(0), oack.from());
            for (int block = 1; block <= 4; block++) {
                Reply data = c.expect(5000);
                assertEquals(Packets.DATA, data.opcode());
                assertEquals(block, data.number());
            }
            assertNull(c.receive(1500), "nothing beyond the window before an ACK");
            c.send(TftpTestClient.ack(4), oack.from());
            assertEquals(5, c.expect(5000).number());
        }
        try (TftpTestClient c = client()) {
            Download d = c.get("big.bin", "octet", "windowsize", "1000", "blksize", "512");
            assertEquals("64", d.oack().get("windowsize"), "clamped");
            assertArrayEquals(FILES.get("big.bin"), d.content());
        }
    }

    @Test
    void ackInTheMiddleOfTheWindowResendsFromTheNextBlockAtOnce() throws Exception {
        try (TftpTestClient c = client()) {
            // timeout 10 s: every packet expected below is sent on an ACK, none on the server's timer
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "big.bin", "octet", "windowsize", "4", "blksize",
                    "512", "timeout", "10"));
            Reply oack = c.expect(5000);
            assertEquals(Packets.OACK, oack.opcode());
            c.send(TftpTestClient.ack(0), oack.from());
            for (int block = 1; block <= 4; block++) {
                assertEquals(block, c.expect(5000).number());
            }
            // as if block 3 was lost: the client acknowledges 2, the last block it has in order
            c.send(TftpTestClient.ack(2), oack.from());
            for (int block = 3; block <= 6; block++) {
                Reply data = c.expect(5000);
                assertEquals(Packets.DATA, data.opcode());
                assertEquals(block, data.number(), "the window restarts after the acknowledged block");
            }
            // a duplicate ACK sends nothing: the first packet after it answers the ACK 6 behind it
            c.send(TftpTestClient.ack(2), oack.from());
            c.send(TftpTestClient.ack(6), oack.from());
            for (int block = 7; block <= 10; block++) {
                assertEquals(block, c.expect(5000).number(), "nothing resent for the duplicate ACK 2");
            }
        }
    }

    @Test
    void refusedOptionsEndTheTransfer() throws Exception {
        TftpServer s = start(FILES, settings(5, 5, 16, 8, 65464));
        try (TftpTestClient c = new TftpTestClient(s.localAddress())) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "big.bin", "octet", "blksize", "1024"));
            Reply oack = c.expect(5000);
            assertEquals(Packets.OACK, oack.opcode());
            assertEquals(1, s.activeTransfers());
            c.send(TftpTestClient.error(8, "options refused"), oack.from());
            waitUntil(() -> s.activeTransfers() == 0, "transfer ended on error 8 (its timeout is 5 s)");
            assertNull(c.receive(500), "no data after the client's error");
        } finally {
            s.close();
        }
    }

    @Test
    void duplicateAckDoesNotResendData() throws Exception {
        try (TftpTestClient c = client()) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "big.bin", "octet", "timeout", "10"));
            Reply oack = c.expect(5000);
            c.send(TftpTestClient.ack(0), oack.from());
            assertEquals(1, c.expect(5000).number());
            c.send(TftpTestClient.ack(1), oack.from());
            c.send(TftpTestClient.ack(1), oack.from());
            c.send(TftpTestClient.ack(0), oack.from());
            assertEquals(2, c.expect(5000).number());
            assertNull(c.receive(2000), "a duplicate ACK must not trigger data");
            c.send(TftpTestClient.ack(2), oack.from());
            assertEquals(3, c.expect(5000).number());
        }
    }

    @Test
    void silenceIsAnsweredByRetransmission() throws Exception {
        try (TftpTestClient c = client()) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "1536.bin", "octet", "timeout", "1"));
            Reply oack = c.expect(5000);
            Reply again = c.expect(5000);
            assertEquals(Packets.OACK, again.opcode(), "OACK resent");
            c.send(TftpTestClient.ack(0), oack.from());
            // a third OACK, if the ACK 0 came after the next resend, is passed over
            Reply first = c.expectData(1, 5000);
            Reply resent = c.expect(5000);
            assertEquals(Packets.DATA, resent.opcode());
            assertEquals(1, resent.number());
            assertArrayEquals(first.payload(), resent.payload());
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            content.writeBytes(first.payload());
            for (int block = 1; block <= 3; block++) {
                c.send(TftpTestClient.ack(block), oack.from());
                Reply next = c.expectData(block + 1, 5000);
                content.writeBytes(next.payload());
            }
            c.send(TftpTestClient.ack(4), oack.from());
            assertArrayEquals(FILES.get("1536.bin"), content.toByteArray());
        }
    }

    @Test
    void strangerOnTransferPortGetsUnknownTransferId() throws Exception {
        try (TftpTestClient c = client(); TftpTestClient stranger = client()) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "1536.bin", "octet"));
            Reply first = c.expect(5000);
            assertEquals(1, first.number());
            stranger.send(TftpTestClient.ack(1), first.from());
            Reply error = stranger.expect(5000);
            assertEquals(Packets.ERROR, error.opcode());
            assertEquals(5, error.number());
            assertEquals("Unknown transfer ID", error.errorMessage());
            c.send(TftpTestClient.ack(1), first.from());
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            content.writeBytes(first.payload());
            for (int block = 2; block <= 4; block++) {
                // the server's timeout is 1 s: block 1 may have been resent while the stranger was answered
                Reply next = c.expectData(block, 5000);
                content.writeBytes(next.payload());
                c.send(TftpTestClient.ack(block), first.from());
            }
            assertArrayEquals(FILES.get("1536.bin"), content.toByteArray());
        }
    }

    @Test
    void errorFromStrangerOnTransferPortIsNotAnswered() throws Exception {
        try (TftpTestClient c = client(); TftpTestClient stranger = client()) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "1536.bin", "octet"));
            Reply first = c.expect(5000);
            assertEquals(1, first.number());
            stranger.send(TftpTestClient.error(0, "not yours"), first.from());
            // packets on one port are handled in order: the answer to this ACK comes after any answer to the ERROR
            stranger.send(TftpTestClient.ack(1), first.from());
            Reply answer = stranger.expect(5000);
            assertEquals(Packets.ERROR, answer.opcode());
            assertEquals(5, answer.number());
            assertNull(stranger.receive(1000), "the stranger's ERROR was answered (RFC 1350: never)");
            c.send(TftpTestClient.ack(1), first.from());
            for (int block = 2; block <= 4; block++) {
                c.expectData(block, 5000);
                c.send(TftpTestClient.ack(block), first.from());
            }
        }
    }

    @Test
    void writeRequestIsRefused() throws Exception {
        assertError(TftpTestClient.request(Packets.WRQ, "x.cfg", "octet"), 2, "Access violation");
    }

    @Test
    void unknownFileIsNotFound() throws Exception {
        assertError(TftpTestClient.request(Packets.RRQ, "808287010203.cfg", "octet"), 1, "File not found");
        assertError(TftpTestClient.request(Packets.RRQ, "nothing", "netascii", "blksize", "1024"), 1,
                "File not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "/../one.bin", "..", "//one.bin", "sub/one.bin", "a\\one.bin",
        "..\\one.bin", "one.bin\u0001", "\tone.bin", "caf\u00e9", "/", ""})
    void namesOutsideTheStoreAreRefused(String name) throws Exception {
        assertError(TftpTestClient.request(Packets.RRQ, name, "octet"), 2, "Access violation");
    }

    @Test
    void overlongNameIsRefused() throws Exception {
        assertError(TftpTestClient.request(Packets.RRQ, "a".repeat(256), "octet"), 2, "Access violation");
    }

    @Test
    void malformedPacketsAreAnsweredOrIgnored() throws Exception {
        assertError(new byte[] {0, 1, 'a', 'b', 'c'}, 4, "Malformed request");
        assertError(new byte[] {0, 1, 'a', 0, 'o', 'c', 't'}, 4, "Malformed request");
        assertError(new byte[] {0, 1, 'a', 0}, 4, "Malformed request");
        assertError(new byte[] {0, 1}, 4, "Malformed request");
        assertError(TftpTestClient.request(Packets.RRQ, "one.bin", "mail"), 4, "Unsupported mode");
        assertError(TftpTestClient.request(Packets.RRQ, "one.bin", ""), 4, "Unsupported mode");
        assertError(new byte[] {0, 9, 1, 2, 3}, 4, "Illegal TFTP operation");
        assertError(new byte[] {(byte) 0xff, (byte) 0xff}, 4, "Illegal TFTP operation");
        assertError(TftpTestClient.ack(1), 5, "Unknown transfer ID");
        try (TftpTestClient c = client()) {
            c.sendToServer(new byte[] {1});
            c.sendToServer(new byte[0]);
            c.sendToServer(TftpTestClient.error(0, "hello"));
            assertNull(c.receive(500), "no answer to a 0/1-byte packet or an ERROR");
        }
        try (TftpTestClient c = client()) {
            assertArrayEquals(FILES.get("big.bin"), c.get("big.bin", "octet").content(), "still serving");
        }
    }

    @Test
    void floodFromOneAddressIsLimited() throws Exception {
        TftpServer s = start(FILES, settings(1, 5, 512, 8, 65464));
        InetAddress flooder = InetAddress.getByName("127.0.0.3");
        List<TftpTestClient> clients = new ArrayList<>();
        try {
            int data = 0;
            int refused = 0;
            for (int i = 0; i < 20; i++) {
                TftpTestClient c = new TftpTestClient(s.localAddress(), flooder);
                clients.add(c);
                c.sendToServer(TftpTestClient.request(Packets.RRQ, "big.bin", "octet"));
                Reply r = c.expect(5000);
                if (r.opcode() == Packets.DATA) {
                    data++;
                } else {
                    assertEquals(0, r.number());
                    assertEquals("Too many transfers", r.errorMessage());
                    refused++;
                }
            }
            assertEquals(8, data, "per-address limit");
            assertEquals(12, refused);
            assertEquals(8, s.activeTransfers());
            try (TftpTestClient other = new TftpTestClient(s.localAddress(), InetAddress.getByName("127.0.0.4"))) {
                assertArrayEquals(FILES.get("big.bin"), other.get("big.bin", "octet").content(),
                        "another address is still served");
            }
        } finally {
            clients.forEach(TftpTestClient::close);
            s.close();
        }
    }

    @Test
    void repeatedRequestFromSamePortDoesNotStartASecondTransfer() throws Exception {
        try (TftpTestClient c = client()) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "1536.bin", "octet", "timeout", "10"));
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "1536.bin", "octet", "timeout", "10"));
            Reply oack = c.expect(5000);
            assertEquals(Packets.OACK, oack.opcode());
            assertNull(c.receive(1000), "only one transfer answers");
        }
    }

    @Test
    void blockNumbersWrapAroundLockStep() throws Exception {
        try (TftpTestClient c = client()) {
            Download d = c.get("wrap.bin", "octet", "blksize", "8");
            assertEquals(70_001, d.packets());
            assertArrayEquals(FILES.get("wrap.bin"), d.content());
        }
    }

    @Test
    void blockNumbersWrapAroundWithWindow() throws Exception {
        try (TftpTestClient c = client()) {
            Download d = c.get("wrap.bin", "octet", "blksize", "8", "windowsize", "16");
            assertArrayEquals(FILES.get("wrap.bin"), d.content());
        }
    }

    @Test
    void parallelDownloadsFromManyPorts() throws Exception {
        TftpServer s = start(FILES, settings(1, 5, 64, 16, 65464));
        List<Thread> threads = new ArrayList<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 8; i++) {
            String size = i % 2 == 0 ? "1428" : "512";
            Thread t = new Thread(() -> {
                try (TftpTestClient c = new TftpTestClient(s.localAddress())) {
                    for (int n = 0; n < 5; n++) {
                        assertArrayEquals(FILES.get("big.bin"), c.get("big.bin", "octet", "blksize", size).content());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        try {
            for (Thread t : threads) {
                t.join(60_000);
                assertFalse(t.isAlive());
            }
        } finally {
            s.close();
        }
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
    }

    private static void assertError(byte[] request, int code, String message) throws IOException {
        try (TftpTestClient c = client()) {
            c.sendToServer(request);
            Reply r = c.expect(5000);
            assertNotNull(r);
            assertEquals(Packets.ERROR, r.opcode(), "opcode");
            assertEquals(code, r.number(), "error code");
            assertEquals(message, r.errorMessage());
        }
    }
}
