package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine against curl, atftp and tftp-hpa on 127.0.0.1; every download is compared byte for byte. */
class RealClientsTest {

    static final Map<String, byte[]> FILES = Map.of(
            "empty.cfg", new byte[0],
            "512.bin", bytes(512, 1),
            "808287010203.cfg", bytes(4000, 2),
            "big.bin", bytes(200 * 1024, 3));

    static TftpServer server;
    static int port;

    @TempDir
    Path dir;

    static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    @BeforeAll
    static void start() throws IOException {
        server = new TftpServer((name, requester) -> FILES.containsKey(name)
                ? new TftpFiles.Download(FILES.get(name).clone(), () -> { })
                : new TftpFiles.Missing("not in the test map"),
                new TftpSettings(InetAddress.getLoopbackAddress(), 0, TftpSettings.MAX_BLOCK_SIZE, 1, 5, 64, 16, 2));
        server.start();
        port = server.localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String url(String name) {
        return "tftp://127.0.0.1:" + port + "/" + name;
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty.cfg", "512.bin", "808287010203.cfg", "big.bin"})
    void curl(String name) throws Exception {
        String curl = ExternalTools.require("curl", "curl");
        Path plain = dir.resolve("plain");
        Path sized = dir.resolve("sized");
        ExternalTools.Result r = ExternalTools.run(30, List.of(curl, "-sS", "-o", plain.toString(), url(name)));
        assertEquals(0, r.exitCode(), r.output());
        assertArrayEquals(FILES.get(name), Files.readAllBytes(plain));
        r = ExternalTools.run(30, List.of(curl, "-sS", "--tftp-blksize", "1428", "-o", sized.toString(), url(name)));
        assertEquals(0, r.exitCode(), r.output());
        assertArrayEquals(FILES.get(name), Files.readAllBytes(sized));
    }

    @Test
    void curlParallel() throws Exception {
        String curl = ExternalTools.require("curl", "curl");
        List<String> command = new ArrayList<>(List.of(curl, "-sS", "--parallel", "--parallel-max", "8"));
        for (int i = 0; i < 24; i++) {
            command.addAll(List.of("-o", dir.resolve("out" + i).toString(), url(i % 2 == 0 ? "big.bin" : "808287010203.cfg")));
        }
        ExternalTools.Result r = ExternalTools.run(60, command);
        assertEquals(0, r.exitCode(), r.output());
        for (int i = 0; i < 24; i++) {
            assertArrayEquals(FILES.get(i % 2 == 0 ? "big.bin" : "808287010203.cfg"),
                    Files.readAllBytes(dir.resolve("out" + i)));
        }
    }

    @Test
    void curlRefused() throws Exception {
        String curl = ExternalTools.require("curl", "curl");
        ExternalTools.Result r = ExternalTools.run(30, List.of(curl, "-sS", "-o", dir.resolve("x").toString(),
                url("a000000000099.cfg")));
        assertEquals(68, r.exitCode(), "curl: TFTP file not found; " + r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty.cfg", "512.bin", "808287010203.cfg", "big.bin"})
    void atftp(String name) throws Exception {
        String atftp = ExternalTools.require("atftp", "atftp");
        Path plain = dir.resolve("plain");
        Path sized = dir.resolve("sized");
        ExternalTools.Result r = ExternalTools.run(30, List.of(atftp, "--get", "-r", name, "-l", plain.toString(),
                "127.0.0.1", Integer.toString(port)));
        assertEquals(0, r.exitCode(), r.output());
        assertArrayEquals(FILES.get(name), Files.readAllBytes(plain));
        r = ExternalTools.run(30, List.of(atftp, "--option", "blksize 1428", "--option", "tsize enable", "--option",
                "windowsize 8", "--get", "-r", name, "-l", sized.toString(), "127.0.0.1", Integer.toString(port)));
        assertEquals(0, r.exitCode(), r.output());
        assertArrayEquals(FILES.get(name), Files.readAllBytes(sized));
    }

    @Test
    void atftpRefused() throws Exception {
        String atftp = ExternalTools.require("atftp", "atftp");
        ExternalTools.Result r = ExternalTools.run(30, List.of(atftp, "--get", "-r", "a000000000099.cfg", "-l",
                dir.resolve("x").toString(), "127.0.0.1", Integer.toString(port)));
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("File not found"), r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty.cfg", "512.bin", "808287010203.cfg", "big.bin"})
    void tftpHpa(String name) throws Exception {
        String tftp = ExternalTools.require("tftp", "tftp-hpa");
        Path out = dir.resolve("out");
        ExternalTools.Result r = ExternalTools.run(30, List.of(tftp, "127.0.0.1", Integer.toString(port), "-m",
                "binary", "-c", "get", name, out.toString()));
        assertEquals(0, r.exitCode(), r.output());
        assertFalse(r.output().contains("Error"), r.output());
        assertArrayEquals(FILES.get(name), Files.readAllBytes(out));
    }

    @Test
    void tftpHpaRefused() throws Exception {
        String tftp = ExternalTools.require("tftp", "tftp-hpa");
        ExternalTools.Result r = ExternalTools.run(30, List.of(tftp, "127.0.0.1", Integer.toString(port), "-m",
                "binary", "-c", "get", "a000000000099.cfg", dir.resolve("x").toString()));
        assertTrue(r.output().contains("Error code 1: File not found"), r.output());
    }
}
