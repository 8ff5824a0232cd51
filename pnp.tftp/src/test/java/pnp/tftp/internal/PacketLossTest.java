package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10% loss in both directions: the engine runs as its own process in network namespace A, curl and atftp
 * download from namespace B over a veth pair whose two ends drop 10% of what they receive (nftables netdev
 * ingress: this kernel has no netem). Nothing is configured outside the two throwaway namespaces.
 */
class PacketLossTest {

    private static final int[] SIZES = {0, 1, 511, 512, 513, 1428, 2856, 4000, 8192, 10_000,
        700, 1024, 3000, 5000, 6000,
        2048, 4096, 9000, 12_000, 16_384};
    private static final String SERVER = "10.200.77.1";
    private static final String CLIENT = "10.200.77.2";

    @TempDir
    Path dir;

    @Test
    void everyFileArrivesDespiteTenPercentLossBothWays() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            ExternalTools.missing("creating network namespaces needs root");
        }
        String ip = ExternalTools.require("ip", "iproute2");
        String nft = ExternalTools.require("nft", "nftables");
        String curl = ExternalTools.require("curl", "curl");
        String atftp = ExternalTools.require("atftp", "atftp");

        Path files = Files.createDirectory(dir.resolve("files"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Random random = new Random(42);
        for (int i = 0; i < SIZES.length; i++) {
            byte[] content = new byte[SIZES[i]];
            random.nextBytes(content);
            Files.write(files.resolve("f" + i), content);
        }

        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String a = "pnptftp-a-" + suffix;
        String b = "pnptftp-b-" + suffix;
        Process server = null;
        try {
            sh(ip, "netns", "add", a);
            sh(ip, "netns", "add", b);
            sh(ip, "-n", a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", b);
            sh(ip, "-n", a, "addr", "add", SERVER + "/24", "dev", "va");
            sh(ip, "-n", b, "addr", "add", CLIENT + "/24", "dev", "vb");
            for (String[] end : new String[][] {{a, "va"}, {b, "vb"}}) {
                sh(ip, "-n", end[0], "link", "set", "lo", "up");
                sh(ip, "-n", end[0], "link", "set", end[1], "up");
                Path rules = dir.resolve("loss-" + end[1] + ".nft");
                Files.writeString(rules, "table netdev pnploss {\n chain ingress {\n"
                        + "  type filter hook ingress device \"" + end[1] + "\" priority 0; policy accept;\n"
                        + "  numgen random mod 100 < 10 drop\n }\n}\n");
                sh(ip, "netns", "exec", end[0], nft, "-f", rules.toString());
            }

            server = new ProcessBuilder(ip, "netns", "exec", a, javaBinary(), "-cp", classPath(),
                    StandaloneTftpServer.class.getName(), "dir=" + files, "address=" + SERVER, "port=69",
                    "perAddress=64").redirectErrorStream(true).start();
            awaitListening(server);

            // curl derives all its TFTP timeouts from --connect-timeout, and it also bounds the whole
            // transfer: 120 s leaves room for 10 parallel files under loss on a slow machine (RRQ retried every
            // 5 s; a typical run takes 20-30 s)
            List<Process> clients = new ArrayList<>();
            List<String> sized = new ArrayList<>(List.of(ip, "netns", "exec", b, curl, "-sS", "--connect-timeout",
                    "120", "--tftp-blksize", "1428", "--parallel", "--parallel-max", "10"));
            for (int i = 0; i < 10; i++) {
                sized.addAll(List.of("-o", out.resolve("f" + i).toString(), "tftp://" + SERVER + "/f" + i));
            }
            clients.add(start(sized));
            List<String> plain = new ArrayList<>(List.of(ip, "netns", "exec", b, curl, "-sS", "--connect-timeout",
                    "120", "--parallel", "--parallel-max", "5"));
            for (int i = 10; i < 15; i++) {
                plain.addAll(List.of("-o", out.resolve("f" + i).toString(), "tftp://" + SERVER + "/f" + i));
            }
            clients.add(start(plain));
            for (int i = 15; i < 20; i++) {
                // no options: atftp 0.8 aborts on a second OACK ("unexpected OACK"), which a lost ACK 0 causes
                clients.add(start(List.of(ip, "netns", "exec", b, atftp, "--get", "-r", "f" + i, "-l",
                        out.resolve("f" + i).toString(), SERVER)));
            }
            for (Process client : clients) {
                if (!client.waitFor(150, TimeUnit.SECONDS)) {
                    client.destroyForcibly();
                    fail("client did not finish within 100 s: " + client.info().commandLine().orElse("?"));
                }
                assertEquals(0, client.exitValue(),
                        () -> new String(readAll(client), StandardCharsets.UTF_8));
            }
            for (int i = 0; i < SIZES.length; i++) {
                assertArrayEquals(Files.readAllBytes(files.resolve("f" + i)), Files.readAllBytes(out.resolve("f" + i)),
                        "f" + i + " (" + SIZES[i] + " bytes)");
            }
        } finally {
            if (server != null) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            quietly(ip, "netns", "del", a);
            quietly(ip, "netns", "del", b);
        }
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static byte[] readAll(Process p) {
        try {
            return p.getInputStream().readAllBytes();
        } catch (IOException e) {
            return e.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static void sh(String... command) throws IOException, InterruptedException {
        ExternalTools.Result r = ExternalTools.run(20, List.of(command));
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + ": " + r.output());
    }

    private static void quietly(String... command) {
        try {
            ExternalTools.run(20, List.of(command));
        } catch (IOException | InterruptedException | AssertionError e) {
            // cleanup of a namespace that may not exist
        }
    }

    private static void awaitListening(Process server) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
        }, "loss-test-server-output");
        reader.setDaemon(true);
        reader.start();
        StringBuilder seen = new StringBuilder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                if (line.startsWith("LISTENING")) {
                    return;
                }
            }
        }
        fail("server in namespace did not start:\n" + seen);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** target/classes, target/test-classes and the slf4j API jar. */
    private static String classPath() throws URISyntaxException {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : List.of(TftpServer.class, StandaloneTftpServer.class, org.slf4j.Logger.class)) {
            String p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (!parts.contains(p)) {
                parts.add(p);
            }
        }
        assertNotNull(parts.get(0));
        return String.join(File.pathSeparator, parts);
    }
}
