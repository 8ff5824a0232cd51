package pnp.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl, a real third-party client, against the real server over HTTP and HTTPS (self-signed
 * certificate generated on start), also with per-phone Basic and Digest authentication. Without curl the tests are skipped, unless {@code CI=true}: there
 * a missing curl fails them.
 */
class CurlTest {

    private static final String FILE = "/provisioning/" + FakeFiles.TOKEN + "/cfg000b82273b89.xml";

    private static FakeFiles files;
    private static HttpProvisioningServer server;
    private static Path keys;

    /** What a curl run produced. */
    record Run(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }
    }

    @BeforeAll
    static void start(@TempDir Path dir) {
        requireCurl();
        files = FakeFiles.withCredentials();
        keys = dir.resolve("keys");
        server = new HttpProvisioningServer(files,
                new HttpProvisioningServer.Settings("127.0.0.1", 0, 0, null, null, keys, 16));
        server.start();
        assertTrue(server.httpPort() > 0 && server.httpsPort() > 0, () -> "not listening: " + server.endpoints());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @BeforeEach
    void clear() {
        files.downloads.clear();
    }

    private static void requireCurl() {
        boolean present;
        try {
            present = curl("--version").exit() == 0;
        } catch (IOException e) {
            present = false;
        }
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                fail("curl is required on CI (apt-get install curl)");
            }
            assumeTrue(false, "curl is not installed");
        }
    }

    /** Runs curl with a 10 s bound on the transfer and 20 s on the process. */
    private static Run curl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        try {
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                throw new IOException("curl did not finish: " + cmd);
            }
            return new Run(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String http(String path) {
        return "http://127.0.0.1:" + server.httpPort() + path;
    }

    private static String https(String path) {
        return "https://127.0.0.1:" + server.httpsPort() + path;
    }

    private void awaitDownloads(int n) throws InterruptedException {
        FakeFiles.await(() -> files.downloads.size() >= n);
    }

    @Test
    void getsTheSameBytes() throws Exception {
        Run r = curl("-A", "curl-test", http(FILE));
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(FakeFiles.xml().getBytes(StandardCharsets.UTF_8), r.out());
        awaitDownloads(1);
        assertEquals("http", files.downloads.get(0).protocol());
        assertEquals("curl-test", files.downloads.get(0).userAgent());
    }

    @Test
    void headShowsTheHeaders() throws Exception {
        Run r = curl("-I", http(FILE));
        assertEquals(0, r.exit(), r.err());
        String h = r.text().toLowerCase(java.util.Locale.ROOT);
        assertTrue(h.startsWith("http/1.1 200"), h);
        assertTrue(h.contains("content-length: " + FakeFiles.xml().length()), h);
        assertTrue(h.contains("etag: \"abc123\""), h);
        assertTrue(h.contains("cache-control: no-store"), h);
        Thread.sleep(100);
        assertEquals(List.of(), files.downloads);
    }

    @Test
    void getsOverHttpsWithTheSelfSignedCertificate() throws Exception {
        Run r = curl("-k", https(FILE));
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(FakeFiles.xml().getBytes(StandardCharsets.UTF_8), r.out());
        awaitDownloads(1);
        assertEquals("https", files.downloads.get(0).protocol());
        assertTrue(Files.isRegularFile(keys.resolve(ServerKeystore.FILE)));
    }

    @Test
    void refusesAnUnverifiedCertificateAndBadPaths() throws Exception {
        Run unverified = curl(https(FILE));
        assertEquals(60, unverified.exit(), "self-signed certificate must not verify: " + unverified.err());
        Run traversal = curl("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                http("/provisioning/" + FakeFiles.TOKEN + "/../" + FakeFiles.TOKEN + "/cfg000b82273b89.xml"));
        assertEquals("400", traversal.text());
        Run unknown = curl("-w", "\n%{http_code}", https("/provisioning/" + "x".repeat(32) + "/cfg.xml").replace(
                "https://", "https://"), "-k");
        assertEquals("Not found\n\n404", unknown.text());
        Run post = curl("-X", "POST", "-d", "x", "-o", "/dev/null", "-w", "%{http_code}", http(FILE));
        assertEquals("405", post.text());
        assertFalse(files.downloads.stream().anyMatch(d -> d.protocol().equals("http")));
    }

    private static final String BASIC = "/provisioning/" + FakeFiles.TOKEN + "/basic.xml";
    private static final String DIGEST = "/provisioning/" + FakeFiles.TOKEN + "/digest.xml";

    private static String userPassword(pnp.api.ProvisioningFiles.Credentials c) {
        return c.user() + ":" + c.password();
    }

    @Test
    void basicAuthentication() throws Exception {
        Run ok = curl("-u", userPassword(FakeFiles.BASIC), http(BASIC));
        assertEquals(0, ok.exit(), ok.err());
        assertArrayEquals(FakeFiles.xml().getBytes(StandardCharsets.UTF_8), ok.out());
        awaitDownloads(1);
        assertEquals("basic.xml", files.downloads.get(0).name());
        Run wrong = curl("-u", FakeFiles.BASIC.user() + ":wrong", "-w", "%{http_code}", http(BASIC));
        assertEquals("Unauthorized\n401", wrong.text());
        Run missing = curl("-D", "-", "-o", "/dev/null", http(BASIC));
        String h = missing.text().toLowerCase(java.util.Locale.ROOT);
        assertTrue(h.startsWith("http/1.1 401"), h);
        assertTrue(h.contains("www-authenticate: basic realm=\"pnp\""), h);
        Run overHttps = curl("-k", "-u", userPassword(FakeFiles.BASIC), "-o", "/dev/null", "-w", "%{http_code}",
                https(BASIC));
        assertEquals("200", overHttps.text());
        awaitDownloads(2);
        assertEquals(2, files.downloads.size());
    }

    @Test
    void digestAuthentication() throws Exception {
        Run ok = curl("--digest", "-u", userPassword(FakeFiles.DIGEST), "-A", "curl-digest", http(DIGEST));
        assertEquals(0, ok.exit(), ok.err());
        assertArrayEquals(FakeFiles.xml().getBytes(StandardCharsets.UTF_8), ok.out());
        awaitDownloads(1);
        assertEquals(1, files.downloads.size());
        assertEquals("curl-digest", files.downloads.get(0).userAgent());
        Run wrong = curl("--digest", "-u", FakeFiles.DIGEST.user() + ":wrong", "-o", "/dev/null", "-w", "%{http_code}",
                http(DIGEST));
        assertEquals("401", wrong.text());
        Run head = curl("--digest", "-u", userPassword(FakeFiles.DIGEST), "-I", http(DIGEST));
        assertEquals(0, head.exit(), head.err());
        assertTrue(head.text().contains("HTTP/1.1 200"), head.text());
        assertTrue(head.text().toLowerCase(java.util.Locale.ROOT).contains("etag: \"digest1\""), head.text());
        Run notModified = curl("--digest", "-u", userPassword(FakeFiles.DIGEST), "-H", "If-None-Match: \"digest1\"",
                "-o", "/dev/null", "-w", "%{http_code}", http(DIGEST));
        assertEquals("304", notModified.text());
        Thread.sleep(100);
        assertEquals(1, files.downloads.size(), "HEAD, 304 and refusals are not downloads");
    }
}
