package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import pnp.tftp.internal.TftpTestClient.Reply;

/**
 * One address downloading strictly one file after another, each finished with its final ACK before the next
 * RRQ, never runs into the transfer limit: a transfer's slot is free once its final ACK has been sent, even
 * when the next RRQ is read (on the request port, maybe by another event loop) before that ACK (on the
 * transfer's port). With one slot per address and two event loops every such overtaking would be refused.
 */
class SequentialDownloadsTest {

    private static final int DOWNLOADS = 1000;
    private static final Map<String, byte[]> FILES = Map.of(
            "one.cfg", TftpServerTest.bytes(300, 21),
            "three.bin", TftpServerTest.bytes(1100, 22));

    @ParameterizedTest(name = "{0}, {1} per address")
    @CsvSource({"one.cfg, 1", "three.bin, 1", "one.cfg, 8"})
    void sequentialDownloadsFromOneAddressAreNeverRefused(String file, int perAddress) throws IOException {
        TftpServer server = new TftpServer((name, requester) -> {
            byte[] content = FILES.get(name);
            return content == null ? new TftpFiles.Missing("not in the test map")
                    : new TftpFiles.Download(content.clone(), () -> { });
        }, new TftpSettings(InetAddress.getLoopbackAddress(), 0, 65464, 1, 5, 512, perAddress, 2));
        server.start();
        List<String> refused = new ArrayList<>();
        try {
            for (int i = 0; i < DOWNLOADS; i++) {
                try (TftpTestClient c = new TftpTestClient(server.localAddress())) {
                    byte[] got = download(c, file, refused, i);
                    if (got != null) {
                        assertArrayEquals(FILES.get(file), got, "download " + i);
                    }
                }
            }
        } finally {
            server.close();
        }
        assertEquals(0, refused.size(), refused.size() + " of " + DOWNLOADS + " downloads refused, first ones: "
                + refused.subList(0, Math.min(5, refused.size())));
    }

    /** The same with a real client: atftp, one process after another, one slot per address. */
    @Test
    void atftpOneAfterAnotherIsNeverRefused(@TempDir Path dir) throws Exception {
        String atftp = ExternalTools.require("atftp", "atftp");
        TftpServer server = new TftpServer((name, requester) -> new TftpFiles.Download(FILES.get("one.cfg").clone(),
                () -> { }), new TftpSettings(InetAddress.getLoopbackAddress(), 0, 65464, 1, 5, 512, 1, 2));
        server.start();
        List<String> refused = new ArrayList<>();
        try {
            String port = Integer.toString(server.localAddress().getPort());
            Path out = dir.resolve("one.cfg");
            for (int i = 0; i < 300; i++) {
                Files.deleteIfExists(out);
                ExternalTools.Result r = ExternalTools.run(30, List.of(atftp, "--get", "-r", "one.cfg", "-l",
                        out.toString(), "127.0.0.1", port));
                if (r.exitCode() != 0 || !Arrays.equals(FILES.get("one.cfg"), Files.readAllBytes(out))) {
                    refused.add("run " + i + ": exit " + r.exitCode() + " " + r.output().strip());
                }
            }
        } finally {
            server.close();
        }
        assertEquals(0, refused.size(), refused.size() + " of 300 atftp runs failed, first ones: "
                + refused.subList(0, Math.min(5, refused.size())));
    }

    /** A plain RFC 1350 download (512-byte blocks, final ACK sent); {@code null} if refused. */
    private static byte[] download(TftpTestClient c, String file, List<String> refused, int i) throws IOException {
        c.sendToServer(TftpTestClient.request(Packets.RRQ, file, "octet"));
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int block = 1; ; block++) {
            Reply r = next(c, block);
            if (r.opcode() == Packets.ERROR) {
                refused.add("download " + i + ": error " + r.number() + " " + r.errorMessage());
                return null;
            }
            content.writeBytes(r.payload());
            c.send(TftpTestClient.ack(block), r.from());
            if (r.payload().length < 512) {
                return content.toByteArray();
            }
        }
    }

    /** DATA {@code block} or an ERROR, passing over copies of the block before it that the server resent. */
    private static Reply next(TftpTestClient c, int block) throws IOException {
        for (int i = 0; i < 10; i++) {
            Reply r = c.expect(5000);
            if (r.opcode() == Packets.ERROR || r.opcode() == Packets.DATA && r.number() == block) {
                return r;
            }
            assertEquals(block - 1, r.number(), "only the block before may come again");
        }
        return fail("only resent blocks while waiting for DATA " + block);
    }
}
