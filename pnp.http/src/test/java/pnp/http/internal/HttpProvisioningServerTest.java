package pnp.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pnp.api.ServerStatus.Endpoint;

/** The real Jetty server on 127.0.0.1, an ephemeral port, asked by java.net.http and raw sockets. */
class HttpProvisioningServerTest {

    private static final String FILE = "/provisioning/" + FakeFiles.TOKEN + "/cfg000b82273b89.xml";

    private static FakeFiles files;
    private static HttpProvisioningServer server;
    private static HttpClient client;
    private static int port;

    @BeforeAll
    static void start(@TempDir Path keys) {
        files = new FakeFiles();
        server = new HttpProvisioningServer(files,
                new HttpProvisioningServer.Settings("127.0.0.1", 0, -1, null, null, keys, 16));
        server.start();
        port = server.httpPort();
        assertTrue(port > 0, () -> "not listening: " + server.endpoints());
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** 200 answers to get(): each is reported as a download once its body is written, maybe after the test. */
    static final java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void clear() throws InterruptedException {
        // The server is shared: let the deliveries of earlier tests arrive before this test's count starts.
        FakeFiles.await(() -> files.delivered.get() >= served.get());
        assertEquals(served.get(), files.delivered.get(), "earlier tests' deliveries all reported");
        files.downloads.clear();
        files.lookups.clear();
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<byte[]> r = client.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 200) {
            served.incrementAndGet();
        }
        return r;
    }

    private static void awaitDownloads(int n) throws InterruptedException {
        FakeFiles.await(() -> files.downloads.size() >= n);
    }

    @Test
    void reportsTheListeningEndpoint() {
        assertEquals(List.of(new Endpoint("http", "127.0.0.1", port, true, "")), server.endpoints());
    }

    @Test
    void servesAFileWithItsHeadersAndReportsTheDownloadOnce() throws Exception {
        HttpResponse<byte[]> r = get(FILE, "User-Agent", "Grandstream Model HW GXP1628 SW 1.0.4.138");
        assertEquals(200, r.statusCode());
        assertArrayEquals(FakeFiles.xml().getBytes(StandardCharsets.UTF_8), r.body());
        assertEquals("application/xml", r.headers().firstValue("content-type").orElseThrow());
        assertEquals(String.valueOf(r.body().length), r.headers().firstValue("content-length").orElseThrow());
        assertEquals("\"abc123\"", r.headers().firstValue("etag").orElseThrow());
        assertEquals("Tue, 03 Feb 2026 04:05:06 GMT", r.headers().firstValue("last-modified").orElseThrow());
        assertEquals("no-store", r.headers().firstValue("cache-control").orElseThrow());
        assertFalse(r.headers().firstValue("server").isPresent(), "no server version");
        awaitDownloads(1);
        Thread.sleep(100);
        assertEquals(List.of(new FakeFiles.Download("cfg000b82273b89.xml", InetAddress.getByName("127.0.0.1"), "http",
                "Grandstream Model HW GXP1628 SW 1.0.4.138")), files.downloads);
        assertEquals(List.of(FakeFiles.TOKEN + "/cfg000b82273b89.xml http"), files.lookups);
    }

    @Test
    void servesBinaryFilesAndAliases() throws Exception {
        HttpResponse<byte[]> bin = get("/provisioning/" + FakeFiles.TOKEN + "/cfg000B82273B89");
        assertEquals(200, bin.statusCode());
        assertArrayEquals(new byte[] { 0, 1, 2, (byte) 0xff, 0x0d, 0x0a }, bin.body());
        HttpResponse<byte[]> alias = get("/provisioning/" + FakeFiles.TOKEN + "/cfg.xml");
        assertEquals(200, alias.statusCode());
        assertEquals("\"abc123\"", alias.headers().firstValue("etag").orElseThrow());
    }

    @Test
    void headAnswersHeadersOnlyAndIsNoDownload() throws Exception {
        RawHttp.Answer a = RawHttp.send(port, "HEAD", FILE);
        assertEquals(200, a.status());
        assertEquals(String.valueOf(FakeFiles.xml().length()), a.headers().get("content-length"));
        assertEquals("\"abc123\"", a.headers().get("etag"));
        assertEquals(0, a.body().length);
        Thread.sleep(200);
        assertEquals(List.of(), files.downloads);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"abc123\"", "*", "\"nope\", \"abc123\"", "W/\"abc123\"" })
    void ifNoneMatchAnswers304(String tag) throws Exception {
        HttpResponse<byte[]> r = get(FILE, "If-None-Match", tag);
        assertEquals(304, r.statusCode());
        assertEquals(0, r.body().length);
        assertEquals("\"abc123\"", r.headers().firstValue("etag").orElseThrow());
        Thread.sleep(100);
        assertEquals(List.of(), files.downloads);
    }

    @Test
    void ifNoneMatchThatDiffersWinsOverIfModifiedSince() throws Exception {
        HttpResponse<byte[]> r = get(FILE, "If-None-Match", "\"old\"", "If-Modified-Since",
                "Tue, 03 Feb 2026 04:05:06 GMT");
        assertEquals(200, r.statusCode());
    }

    @Test
    void ifModifiedSinceAnswers304WhenNotNewer() throws Exception {
        assertEquals(304, get(FILE, "If-Modified-Since", "Tue, 03 Feb 2026 04:05:06 GMT").statusCode());
        assertEquals(304, get(FILE, "If-Modified-Since", "Wed, 04 Feb 2026 00:00:00 GMT").statusCode());
        assertEquals(200, get(FILE, "If-Modified-Since", "Tue, 03 Feb 2026 04:05:05 GMT").statusCode());
        assertEquals(200, get(FILE, "If-Modified-Since", "garbage").statusCode());
        awaitDownloads(2);
        Thread.sleep(100);
        assertEquals(2, files.downloads.size());
    }

    @Test
    void unknownTokenAndUnknownFileLookAlike() throws Exception {
        HttpResponse<byte[]> token = get("/provisioning/" + "Z".repeat(20) + "/cfg000b82273b89.xml");
        HttpResponse<byte[]> file = get("/provisioning/" + FakeFiles.TOKEN + "/cfg001122334455.xml");
        HttpResponse<byte[]> shape = get("/provisioning/short/cfg000b82273b89.xml");
        HttpResponse<byte[]> root = get("/");
        for (HttpResponse<byte[]> r : List.of(token, file, shape, root)) {
            assertEquals(404, r.statusCode());
            assertArrayEquals(token.body(), r.body());
            assertEquals(token.headers().map().keySet(), r.headers().map().keySet());
        }
        assertEquals("Not found\n", new String(token.body(), StandardCharsets.US_ASCII));
        assertEquals(2, files.lookups.size(), "a malformed token is refused before any lookup");
        assertEquals(List.of(), files.downloads);
    }

    @Test
    void otherMethodsAnswer405WithAllow() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + FILE))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD", r.headers().firstValue("allow").orElseThrow());
        assertEquals(405, RawHttp.send(port, "PUT", FILE, "Content-Length: 0").status());
        assertEquals(405, RawHttp.send(port, "OPTIONS", FILE).status());
        assertEquals(List.of(), files.lookups);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/provisioning/TOKEN/../TOKEN/cfg000b82273b89.xml", "/provisioning/../etc/passwd",
            "/provisioning/TOKEN/%2e%2e/cfg000b82273b89.xml", "/provisioning/%2E%2E/%2e%2e/etc/passwd",
            "/provisioning/TOKEN%2Fcfg000b82273b89.xml", "/provisioning/TOKEN/x%2fcfg000b82273b89.xml",
            "/provisioning/TOKEN/%5Ccfg000b82273b89.xml", "/provisioning/TOKEN/..%5Ccfg000b82273b89.xml",
            "/provisioning/TOKEN/cfg000b82273b89.xml%00", "/provisioning/TOKEN/cfg000b82273b89.xml%00.txt",
            "/provisioning/TOKEN\\cfg000b82273b89.xml", "/provisioning/TOKEN/..\\cfg000b82273b89.xml",
            "/provisioning/TOKEN/./cfg000b82273b89.xml", "/provisioning/TOKEN/cfg000b82273b89.xml;x",
            "/provisioning/TOKEN/%0d%0aSet-Cookie:x" })
    void refusesTraversalAndEncodedSeparatorsWithoutALookup(String target) throws Exception {
        RawHttp.Answer a = RawHttp.send(port, "GET", target.replace("TOKEN", FakeFiles.TOKEN));
        assertTrue(a.status() == 400 || a.status() == 404, () -> "status " + a.status() + " for " + target);
        assertFalse(a.text().contains("secret"));
        assertTrue(a.body().length < 20, () -> "no detail: " + a.text());
        assertEquals(List.of(), files.lookups);
    }

    @Test
    void refusesOverlongAndControlCharacterPaths() throws Exception {
        RawHttp.Answer overlong = RawHttp.send(port, "GET", FILE + "x".repeat(600));
        assertEquals(400, overlong.status());
        assertEquals("Bad request\n", overlong.text());
        RawHttp.Answer huge = RawHttp.send(port, "GET", FILE + "x".repeat(20_000));
        assertTrue(huge.status() == 400 || huge.status() == 414 || huge.status() == 431, () -> "" + huge.status());
        RawHttp.Answer nul = RawHttp.send(port, "GET", "/provisioning/" + FakeFiles.TOKEN + "/cfg\u0000.xml");
        assertEquals(400, nul.status());
        RawHttp.Answer tab = RawHttp.send(port, "GET", "/provisioning/" + FakeFiles.TOKEN + "/cfg\u0001.xml");
        assertEquals(400, tab.status());
        assertEquals(List.of(), files.lookups);
    }

    @Test
    void aTakenPortIsReportedAndThrowsNothing(@TempDir Path keys) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int busy = taken.getLocalPort();
            HttpProvisioningServer other = new HttpProvisioningServer(new FakeFiles(),
                    new HttpProvisioningServer.Settings("127.0.0.1", busy, -1, null, null, keys, 8));
            other.start();
            try {
                List<Endpoint> e = other.endpoints();
                assertEquals(1, e.size());
                assertEquals("http", e.get(0).protocol());
                assertEquals(busy, e.get(0).port());
                assertFalse(e.get(0).listening());
                assertTrue(e.get(0).problem().contains("in use"), e.get(0).problem());
                assertEquals(-1, other.httpPort());
            } finally {
                other.stop();
            }
        }
        assertEquals(200, get(FILE).statusCode(), "the running server is untouched");
    }

    @Test
    void aBrokenKeystoreCostsOnlyHttps(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.p12");
        java.nio.file.Files.writeString(bad, "not a key store");
        HttpProvisioningServer other = new HttpProvisioningServer(new FakeFiles(),
                new HttpProvisioningServer.Settings("127.0.0.1", 0, 0, bad, "pw", dir, 8));
        other.start();
        try {
            Endpoint https = other.endpoints().stream().filter(e -> e.protocol().equals("https")).findFirst()
                    .orElseThrow();
            assertFalse(https.listening());
            assertTrue(https.problem().contains("bad.p12"), https.problem());
            int p = other.httpPort();
            assertTrue(p > 0);
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + FILE)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        } finally {
            other.stop();
        }
    }
}
