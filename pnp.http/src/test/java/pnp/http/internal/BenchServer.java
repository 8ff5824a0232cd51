package pnp.http.internal;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles;

/**
 * The handler standalone for {@code bench/http-bench.sh} (not a test): serves one file at
 * {@code /provisioning/<FakeFiles.TOKEN>/bench.xml} on 127.0.0.1, with a lookup as cheap as the
 * core's (a map read) and a download report that only counts.
 *
 * <p>Usage: {@code BenchServer <port> <file> [maxThreads]}; runs until killed.
 */
public final class BenchServer {

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] content = Files.readAllBytes(Path.of(args[1]));
        int maxThreads = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        ProvisioningFiles.Found found = FakeFiles.found(
                ProvisioningFile.phone("bench.xml", content, "application/xml"), "\"bench\"");
        LongAdder downloads = new LongAdder();
        ProvisioningFiles files = new ProvisioningFiles() {
            @Override
            public Lookup lookup(String token, String name, InetAddress requester, String protocol) {
                return FakeFiles.TOKEN.equals(token) && found.file().answersTo(name) ? found
                        : new NotFound("no such file");
            }

            @Override
            public void downloaded(Found file, InetAddress requester, String protocol, String userAgent) {
                downloads.increment();
            }
        };
        HttpProvisioningServer server = new HttpProvisioningServer(files,
                new HttpProvisioningServer.Settings("127.0.0.1", port, -1, null, null, Path.of("target"), maxThreads));
        server.start();
        if (server.httpPort() < 0) {
            System.err.println("not listening: " + server.endpoints());
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("downloads: " + downloads.sum())));
        System.out.println("listening on " + server.httpPort());
        new CountDownLatch(1).await();
    }
}
