package pnp.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpGetTest {

    private static final long MAX = 1 << 20;

    private static long soon() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static HttpGet.Response read(String raw) throws IOException {
        return HttpGet.read(new ByteArrayInputStream(ascii(raw)), MAX);
    }

    @Test
    void getsABodyByContentLengthFromThePhonesOwnAddress() throws Exception {
        byte[] file = TestTftpServer.bytes(5000, 3);
        try (TestHttpServer server = new TestHttpServer(r -> TestHttpServer.ok(file))) {
            InetAddress phone = Options.address("127.0.0.42");
            HttpGet.Response r = new HttpGet(phone, false, MAX, "Grandstream Model HW GXP2140")
                    .get(URI.create("http://127.0.0.1:" + server.port() + "/provisioning/t0k/cfg000b82000001?x=1"),
                            soon());
            assertEquals(200, r.status());
            assertArrayEquals(file, r.body());
            TestHttpServer.Request req = server.requests.get(0);
            assertEquals("GET", req.method());
            assertEquals("/provisioning/t0k/cfg000b82000001?x=1", req.target());
            assertEquals("127.0.0.1:" + server.port(), req.headers().get("host"));
            assertEquals("Grandstream Model HW GXP2140", req.headers().get("user-agent"));
            assertEquals("close", req.headers().get("connection"));
            assertEquals(phone, req.client());
        }
    }

    @Test
    void readsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        HttpGet.Response r = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertEquals("hello 0123456789", new String(r.body(), StandardCharsets.ISO_8859_1));
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        assertThrows(EOFException.class, () -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc"));
    }

    @Test
    void readsToTheEndWithoutLengthAndSkipsInterimAnswers() throws IOException {
        HttpGet.Response r = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of it\n");
        assertEquals(200, r.status());
        assertEquals("all of it\n", new String(r.body(), StandardCharsets.ISO_8859_1));
        assertEquals("x", r.headers().get("server"));
    }

    @Test
    void refusesBrokenOrOversizedResponses() {
        assertThrows(IOException.class, () -> read("SIP/2.0 200 OK\r\n\r\n"));
        assertThrows(EOFException.class, () -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
        assertThrows(EOFException.class, () -> read(""));
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nContent-Length: " + (MAX + 1) + "\r\n\r\n"));
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }
        };
        assertThrows(IOException.class, () -> HttpGet.read(endless, 100));
        assertThrows(IOException.class,
                () -> HttpGet.read(new ByteArrayInputStream(ascii("HTTP/1.1 200 OK\r\n\r\n" + "b".repeat(200))), 100));
    }

    @Test
    void returnsErrorStatuses() throws Exception {
        try (TestHttpServer server = new TestHttpServer(
                r -> TestHttpServer.response(404, "Not Found", new byte[0]))) {
            HttpGet.Response r = new HttpGet(null, false, MAX, "t")
                    .get(URI.create("http://127.0.0.1:" + server.port() + "/nothing"), soon());
            assertEquals(404, r.status());
        }
    }

    @Test
    void sendsBasicCredentialsOfTheUrl() throws Exception {
        try (TestHttpServer server = new TestHttpServer(r -> TestHttpServer.ok(ascii("x")))) {
            new HttpGet(null, false, MAX, "t")
                    .get(URI.create("http://al%40ice:p%3Ass+w@127.0.0.1:" + server.port() + "/f"), soon());
            String expected = "Basic " + Base64.getEncoder().encodeToString(ascii("al@ice:p:ss+w"));
            assertEquals(expected, server.requests.get(0).headers().get("authorization"));
        }
    }

    @Test
    void answersADigestChallenge() throws Exception {
        String realm = "pnp";
        String nonce = "n0nc3";
        try (TestHttpServer server = new TestHttpServer(r -> {
            String auth = r.headers().getOrDefault("authorization", "");
            if (!auth.startsWith("Digest ")) {
                return ascii("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"" + realm
                        + "\", nonce=\"" + nonce + "\", qop=\"auth,auth-int\", opaque=\"op\"\r\n"
                        + "Content-Length: 0\r\n\r\n");
            }
            Map<String, String> p = HttpGet.challengeParameters(auth.substring(7));
            String ha1 = md5("phone:" + realm + ":secret");
            String ha2 = md5("GET:" + p.get("uri"));
            String want = md5(ha1 + ":" + nonce + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
            boolean good = want.equals(p.get("response")) && "op".equals(p.get("opaque"))
                    && "/dir/f.cfg".equals(p.get("uri"));
            return good ? TestHttpServer.ok(ascii("secret file")) : TestHttpServer.response(403, "No", new byte[0]);
        })) {
            HttpGet.Response r = new HttpGet(null, false, MAX, "t")
                    .get(URI.create("http://phone:secret@127.0.0.1:" + server.port() + "/dir/f.cfg"), soon());
            assertEquals(200, r.status());
            assertEquals("secret file", new String(r.body(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void givesUpAtTheDeadline() throws Exception {
        try (TestHttpServer server = new TestHttpServer(r -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        })) {
            HttpGet get = new HttpGet(null, false, MAX, "t");
            assertThrows(SocketTimeoutException.class,
                    () -> get.get(URI.create("http://127.0.0.1:" + server.port() + "/slow"),
                            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)));
        }
    }

    @Test
    void httpsWithASelfSignedCertificateNeedsInsecure(@TempDir Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeTrue(Files.isExecutable(keytool), "keytool not in this JDK");
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "s", "-keyalg", "EC",
                "-dname", "CN=pnp-test", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        try (TestHttpServer server = new TestHttpServer(ctx.getServerSocketFactory(),
                r -> TestHttpServer.ok(ascii("over tls")))) {
            URI uri = URI.create("https://127.0.0.1:" + server.port() + "/f");
            HttpGet.Response r = new HttpGet(Options.address("127.0.0.5"), true, MAX, "t").get(uri, soon());
            assertEquals("over tls", new String(r.body(), StandardCharsets.ISO_8859_1));
            assertThrows(SSLException.class, () -> new HttpGet(null, false, MAX, "t").get(uri, soon()));
            assertTrue(server.requests.size() >= 1);
        }
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(ascii(s)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
