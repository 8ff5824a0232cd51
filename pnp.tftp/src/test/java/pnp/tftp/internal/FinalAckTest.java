package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pnp.tftp.internal.TftpTestClient.Reply;

/**
 * A lost final ACK: the client has its file and has gone; the server cannot hear that. A transfer given up
 * for the final ACK alone, from a client that stayed quiet, counts as delivered; one whose client showed it
 * still waited, or that never got past the first block, does not.
 *
 * <p>One event loop, 1 s timeout, 1 retry: a transfer is given up about 2 s after its last send. A negative
 * result is read only after a later download on the same loop was recorded, so the given-up transfer's
 * ending has run to its end before.
 */
class FinalAckTest {

    private static final Map<String, byte[]> FILES = Map.of(
            "one.cfg", TftpServerTest.bytes(300, 11),
            "four.bin", TftpServerTest.bytes(1536, 12),
            "control.cfg", TftpServerTest.bytes(10, 13));

    private final Queue<String> delivered = new ConcurrentLinkedQueue<>();
    private TftpServer server;

    @BeforeEach
    void start() throws IOException {
        server = new TftpServer((name, requester) -> {
            byte[] content = FILES.get(name);
            return content == null ? new TftpFiles.Missing("not in the test map")
                    : new TftpFiles.Download(content.clone(), () -> delivered.add(name));
        }, new TftpSettings(InetAddress.getLoopbackAddress(), 0, 65464, 1, 1, 16, 16, 1));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void singleBlockWithoutFinalAckFromQuietClientIsDelivered() throws Exception {
        try (TftpTestClient c = new TftpTestClient(server.localAddress())) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "one.cfg", "octet"));
            assertEquals(1, c.expect(5000).number());
            // the ACK is "lost": the client says nothing more
        }
        awaitIdle();
        TftpServerTest.waitUntil(() -> delivered.contains("one.cfg"), "presumed delivered once given up");
    }

    @Test
    void lastBlockWithoutFinalAckFromQuietClientIsDelivered() throws Exception {
        try (TftpTestClient c = new TftpTestClient(server.localAddress())) {
            Reply data = fetchUpToTheLastBlock(c);
            assertEquals(0, data.payload().length, "the empty last block");
        }
        awaitIdle();
        TftpServerTest.waitUntil(() -> delivered.contains("four.bin"), "presumed delivered once given up");
    }

    @Test
    void clientRepeatingItsRequestAfterTheLastBlockIsNotDelivered() throws Exception {
        try (TftpTestClient c = new TftpTestClient(server.localAddress())) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "one.cfg", "octet"));
            // as if every DATA were lost: the client asks again after each one, on its own timer
            Reply r = c.receive(1500);
            for (int i = 0; i < 10 && r != null; i++, r = c.receive(1500)) {
                assertEquals(Packets.DATA, r.opcode());
                c.sendToServer(TftpTestClient.request(Packets.RRQ, "one.cfg", "octet"));
            }
        }
        awaitIdle();
        assertNotDelivered("one.cfg");
    }

    @Test
    void clientRepeatingItsAckAfterTheLastBlockIsNotDelivered() throws Exception {
        try (TftpTestClient c = new TftpTestClient(server.localAddress())) {
            Reply data = fetchUpToTheLastBlock(c);
            // the last block "lost" every time: ACK 3 again after each copy
            Reply r = data;
            for (int i = 0; i < 10 && r != null; i++, r = c.receive(1500)) {
                assertEquals(4, r.number());
                c.send(TftpTestClient.ack(3), data.from());
            }
        }
        awaitIdle();
        assertNotDelivered("four.bin");
    }

    @Test
    void clientSilentBeforeTheLastBlockIsNotDelivered() throws Exception {
        try (TftpTestClient c = new TftpTestClient(server.localAddress())) {
            c.sendToServer(TftpTestClient.request(Packets.RRQ, "four.bin", "octet"));
            assertEquals(1, c.expect(5000).number());
        }
        awaitIdle();
        assertNotDelivered("four.bin");
    }

    /** Reads four.bin (3 full blocks) up to its empty last block, which is not acknowledged. */
    private static Reply fetchUpToTheLastBlock(TftpTestClient c) throws Exception {
        c.sendToServer(TftpTestClient.request(Packets.RRQ, "four.bin", "octet"));
        Reply data = c.expectData(1, 5000);
        for (int block = 1; block <= 3; block++) {
            c.send(TftpTestClient.ack(block), data.from());
            // the server's timeout is 1 s: a block resent before our ACK arrived is passed over
            data = c.expectData(block + 1, 5000);
        }
        return data;
    }

    private void awaitIdle() throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (server.activeTransfers() > 0 && System.nanoTime() - end < 0) {
            Thread.sleep(50);
        }
        assertEquals(0, server.activeTransfers(), "the transfer was given up");
    }

    /** After a complete download on the same (single) event loop, so the earlier ending has finished. */
    private void assertNotDelivered(String name) throws Exception {
        try (TftpTestClient c = new TftpTestClient(server.localAddress())) {
            c.get("control.cfg", "octet");
        }
        TftpServerTest.waitUntil(() -> delivered.contains("control.cfg"), "control download recorded");
        assertFalse(delivered.contains(name), name + " must not count as delivered: " + delivered);
        assertTrue(delivered.size() == 1, delivered.toString());
    }
}
