package pnp.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class TftpGetTest {

    private static final InetAddress PHONE = Options.address("127.0.0.77");
    private static final long MAX = 1 << 20;

    private static long soon() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    }

    private static InetSocketAddress at(TestTftpServer s) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
    }

    @Test
    void plainTransfersOfSeveralBlocksFromThePhonesOwnAddress() throws Exception {
        try (TestTftpServer server = new TestTftpServer()) {
            byte[] odd = TestTftpServer.bytes(1300, 1);
            byte[] exact = TestTftpServer.bytes(1024, 2); // needs the empty last block
            byte[] empty = new byte[0];
            server.files.put("808287010203.cfg", odd);
            server.files.put("exact.cfg", exact);
            server.files.put("empty.cfg", empty);
            TftpGet get = new TftpGet(PHONE, 512, 1000, 3, MAX);
            assertArrayEquals(odd, get.get(at(server), "808287010203.cfg", soon()));
            assertArrayEquals(exact, get.get(at(server), "exact.cfg", soon()));
            assertArrayEquals(empty, get.get(at(server), "empty.cfg", soon()));
            TestTftpServer.Rrq rrq = server.requests.get(0);
            assertEquals("808287010203.cfg", rrq.file());
            assertEquals(PHONE, rrq.client().getAddress());
            assertTrue(rrq.options().isEmpty(), "no options at 512: " + rrq.options());
        }
    }

    @Test
    void asksForABlockSizeAndFollowsTheOack() throws Exception {
        try (TestTftpServer server = new TestTftpServer()) {
            byte[] file = TestTftpServer.bytes(5000, 5);
            server.files.put("big.cfg", file);
            assertArrayEquals(file, new TftpGet(PHONE, 1024, 1000, 3, MAX).get(at(server), "big.cfg", soon()));
            assertEquals("1024", server.requests.get(0).options().get("blksize"));
            assertEquals("0", server.requests.get(0).options().get("tsize"));
        }
    }

    @Test
    void fallsBackTo512WhenTheServerIgnoresOptions() throws Exception {
        try (TestTftpServer server = new TestTftpServer()) {
            server.options = false;
            byte[] file = TestTftpServer.bytes(2000, 7);
            server.files.put("f", file);
            assertArrayEquals(file, new TftpGet(PHONE, 1400, 1000, 3, MAX).get(at(server), "f", soon()));
        }
    }

    @Test
    void resendsALostRequestAndAcknowledgesDuplicates() throws Exception {
        try (TestTftpServer server = new TestTftpServer()) {
            byte[] file = TestTftpServer.bytes(3000, 9);
            server.files.put("f", file);
            server.dropRequests.set(1);
            server.duplicateData = true;
            // 1 s before a resend: a shorter one could resend the second RRQ too on a loaded machine
            assertArrayEquals(file, new TftpGet(PHONE, 512, 1000, 5, MAX).get(at(server), "f", soon()));
            assertEquals(2, server.requests.size(), "the RRQ was sent again");
        }
    }

    @Test
    void reportsTheServersError() throws Exception {
        try (TestTftpServer server = new TestTftpServer()) {
            TftpGet.TftpException e = assertThrows(TftpGet.TftpException.class,
                    () -> new TftpGet(PHONE, 512, 1000, 3, MAX).get(at(server), "missing.cfg", soon()));
            assertEquals(1, e.code());
            assertTrue(e.getMessage().contains("File not found"), e.getMessage());
        }
    }

    @Test
    void givesUpAfterItsRetriesWhenNobodyAnswers() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            TftpGet.TftpException e = assertThrows(TftpGet.TftpException.class,
                    () -> new TftpGet(PHONE, 512, 50, 2, MAX).get(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), "f", soon()));
            assertEquals(-1, e.code());
        }
    }

    @Test
    void refusesFilesLargerThanTheLimit() throws Exception {
        try (TestTftpServer server = new TestTftpServer()) {
            server.files.put("f", TestTftpServer.bytes(3000, 1));
            assertThrows(TftpGet.TftpException.class, () -> new TftpGet(PHONE, 512, 1000, 3, 1000).get(at(server), "f",
                    soon()));
            assertThrows(TftpGet.TftpException.class, () -> new TftpGet(PHONE, 1024, 1000, 3, 1000).get(at(server),
                    "f", soon()));
        }
    }

    @Test
    void buildsRequestsAndReadsOptions() {
        byte[] rrq = TftpGet.request("a.cfg", 1432);
        assertEquals("\0\1a.cfg\0octet\0blksize\0" + "1432\0tsize\0" + "0\0", new String(rrq,
                java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("\0\1a.cfg\0octet\0", new String(TftpGet.request("a.cfg", 0),
                java.nio.charset.StandardCharsets.US_ASCII));
        byte[] oack = "\0\6BLKSIZE\0001024\0tsize\0009\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(java.util.Map.of("blksize", "1024", "tsize", "9"), TftpGet.options(oack, 2, oack.length));
    }
}
