package pnp.tftp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the engine outside OSGi, serving the files of one directory (read into memory at start), for the
 * packet-loss test and the benchmark. Arguments {@code key=value}: {@code dir} (required), {@code address}
 * (127.0.0.1), {@code port} (0), {@code perAddress} (8), {@code maxTransfers} (512), {@code loops} (default),
 * {@code timeout} (1), {@code retries} (5). Prints {@code LISTENING <port>} once bound; runs until killed.
 */
public final class StandaloneTftpServer {

    private StandaloneTftpServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Map<String, byte[]> files = new HashMap<>();
        try (Stream<Path> list = Files.list(Path.of(a.get("dir")))) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (Files.isRegularFile(p)) {
                    files.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        TftpSettings settings = new TftpSettings(InetAddress.getByName(a.getOrDefault("address", "127.0.0.1")),
                Integer.parseInt(a.getOrDefault("port", "0")), TftpSettings.MAX_BLOCK_SIZE,
                Integer.parseInt(a.getOrDefault("timeout", "1")), Integer.parseInt(a.getOrDefault("retries", "5")),
                Integer.parseInt(a.getOrDefault("maxTransfers", "512")),
                Integer.parseInt(a.getOrDefault("perAddress", "8")),
                Integer.parseInt(a.getOrDefault("loops", Integer.toString(TftpSettings.defaultEventLoops()))));
        TftpServer server = new TftpServer((name, requester) -> {
            byte[] content = files.get(name);
            return content == null ? new TftpFiles.Missing("no such file in " + a.get("dir"))
                    : new TftpFiles.Download(content, () -> { });
        }, settings);
        server.start();
        System.out.println("LISTENING " + server.localAddress().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
