package pnp.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.ProvisioningFiles.Credentials;
import pnp.http.internal.PhoneAuthentication.NonceState;
import pnp.http.internal.PhoneAuthentication.Outcome;

/**
 * Per-phone HTTP authentication against the real server on 127.0.0.1 (raw requests with
 * hand-computed {@code Authorization} headers), with a clock the test moves to expire nonces.
 */
class AuthenticationTest {

    private static final String BASIC_FILE = "/provisioning/" + FakeFiles.TOKEN + "/basic.xml";
    private static final String DIGEST_FILE = "/provisioning/" + FakeFiles.TOKEN + "/digest.xml";
    private static final byte[] XML = FakeFiles.xml().getBytes(StandardCharsets.UTF_8);

    private static final AtomicLong clock = new AtomicLong(1_000_000L);
    private static FakeFiles files;
    private static HttpProvisioningServer server;
    private static int port;

    @BeforeAll
    static void start(@TempDir Path keys) {
        files = FakeFiles.withCredentials();
        PhoneAuthentication auth = new PhoneAuthentication(new byte[32], clock::get);
        server = new HttpProvisioningServer(new ProvisioningHandler(files, new ProbeLog(), auth),
                new HttpProvisioningServer.Settings("127.0.0.1", 0, -1, null, null, keys, 16));
        server.start();
        port = server.httpPort();
        assertTrue(port > 0, () -> "not listening: " + server.endpoints());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** 200 answers to GET: each is reported as a download once its body is written, maybe after the test. */
    private static final java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void clear() throws InterruptedException {
        // The server is shared: let the deliveries of earlier tests arrive before this test's count starts.
        FakeFiles.await(() -> files.delivered.get() >= served.get());
        assertEquals(served.get(), files.delivered.get(), "earlier tests' deliveries all reported");
        files.downloads.clear();
    }

    private static RawHttp.Answer send(String method, String target, String... extraHeaders) throws java.io.IOException {
        RawHttp.Answer a = RawHttp.send(port, method, target, extraHeaders);
        if (method.equals("GET") && a.status() == 200) {
            served.incrementAndGet();
        }
        return a;
    }

    private static void awaitDownloads(int n) throws InterruptedException {
        FakeFiles.await(() -> files.downloads.size() >= n);
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The nonce of the first challenge of a 401. */
    private static String nonce(RawHttp.Answer a) {
        String c = a.values("www-authenticate").get(0);
        Map<String, String> p = PhoneAuthentication.parseParams(c.substring("Digest ".length()));
        return p.get("nonce");
    }

    /** An RFC 7616 answer computed here, independently of the server's code path. */
    private static String digest(String algorithm, String method, String uri, String user, String password,
            String nonce) {
        String nc = "00000001";
        String cnonce = "0a4f113b";
        String ha1 = PhoneAuthentication.hash(algorithm, user + ":pnp:" + password);
        String ha2 = PhoneAuthentication.hash(algorithm, method + ":" + uri);
        String response = PhoneAuthentication.hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return "Authorization: Digest username=\"" + user + "\", realm=\"pnp\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", algorithm=" + algorithm + ", response=\"" + response + "\", qop=auth, nc=" + nc + ", cnonce=\""
                + cnonce + "\"";
    }

    private static void assertUnauthorized(RawHttp.Answer a, String scheme) {
        assertEquals(401, a.status());
        assertEquals("Unauthorized\n", a.text());
        assertNull(a.headers().get("etag"), "nothing of the file before authentication");
        assertNull(a.headers().get("last-modified"));
        assertEquals("no-store", a.headers().get("cache-control"));
        assertTrue(a.values("www-authenticate").get(0).startsWith(scheme + " realm=\"pnp\""), a.headers().toString());
    }

    // ---- Basic ----

    @Test
    void basicWithTheRightCredentialsServesTheFile() throws Exception {
        RawHttp.Answer a = send("GET", BASIC_FILE, basic(FakeFiles.BASIC.user(), FakeFiles.BASIC.password()));
        assertEquals(200, a.status());
        assertArrayEquals(XML, a.body());
        assertEquals("\"basic1\"", a.headers().get("etag"));
        awaitDownloads(1);
        assertEquals("basic.xml", files.downloads.get(0).name());
    }

    @Test
    void basicWithoutCredentialsIsChallenged() throws Exception {
        RawHttp.Answer a = send("GET", BASIC_FILE);
        assertUnauthorized(a, "Basic");
        assertEquals(List.of("Basic realm=\"pnp\""), a.values("www-authenticate"));
    }

    @Test
    void basicWithWrongCredentialsIsRefusedTheSameWay() throws Exception {
        for (String header : List.of(basic(FakeFiles.BASIC.user(), "wrong"), basic("other", FakeFiles.BASIC.password()),
                basic(FakeFiles.BASIC.user(), FakeFiles.BASIC.password() + "x"), "Authorization: Basic !!!",
                "Authorization: Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes()),
                "Authorization: Bearer abc")) {
            assertUnauthorized(send("GET", BASIC_FILE, header), "Basic");
        }
        Thread.sleep(100);
        assertEquals(List.of(), files.downloads);
    }

    @Test
    void aDigestPhoneDoesNotAcceptBasic() throws Exception {
        RawHttp.Answer a = send("GET", DIGEST_FILE, basic(FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password()));
        assertUnauthorized(a, "Digest");
    }

    @Test
    void headNeedsAuthenticationAndIsNotADownload() throws Exception {
        assertEquals(401, send("HEAD", BASIC_FILE).status());
        RawHttp.Answer a = send("HEAD", BASIC_FILE, basic(FakeFiles.BASIC.user(), FakeFiles.BASIC.password()));
        assertEquals(200, a.status());
        assertEquals(String.valueOf(XML.length), a.headers().get("content-length"));
        assertEquals(0, a.body().length);
        String nonce = nonce(send("HEAD", DIGEST_FILE));
        RawHttp.Answer d = send("HEAD", DIGEST_FILE,
                digest("MD5", "HEAD", DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce));
        assertEquals(200, d.status());
        assertEquals("\"digest1\"", d.headers().get("etag"));
        RawHttp.Answer asGet = send("HEAD", DIGEST_FILE,
                digest("MD5", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce));
        assertEquals(401, asGet.status(), "the method is part of the digest");
        Thread.sleep(100);
        assertEquals(List.of(), files.downloads);
    }

    @Test
    void notModifiedOnlyAfterAuthentication() throws Exception {
        RawHttp.Answer without = send("GET", BASIC_FILE, "If-None-Match: \"basic1\"");
        assertUnauthorized(without, "Basic");
        RawHttp.Answer with = send("GET", BASIC_FILE, "If-None-Match: \"basic1\"",
                basic(FakeFiles.BASIC.user(), FakeFiles.BASIC.password()));
        assertEquals(304, with.status());
        assertEquals(0, with.body().length);
        String nonce = nonce(send("GET", DIGEST_FILE));
        RawHttp.Answer d = send("GET", DIGEST_FILE, "If-None-Match: \"digest1\"",
                digest("MD5", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce));
        assertEquals(304, d.status());
        Thread.sleep(100);
        assertEquals(List.of(), files.downloads);
    }

    // ---- Digest ----

    @Test
    void digestChallengeOffersMd5ThenSha256() throws Exception {
        RawHttp.Answer a = send("GET", DIGEST_FILE);
        assertUnauthorized(a, "Digest");
        List<String> c = a.values("www-authenticate");
        assertEquals(2, c.size(), c.toString());
        String nonce = nonce(a);
        assertEquals("Digest realm=\"pnp\", qop=\"auth\", nonce=\"" + nonce + "\", algorithm=MD5", c.get(0));
        assertEquals("Digest realm=\"pnp\", qop=\"auth\", nonce=\"" + nonce + "\", algorithm=SHA-256", c.get(1));
    }

    @Test
    void digestMd5ComputedByHandServesTheFile() throws Exception {
        String nonce = nonce(send("GET", DIGEST_FILE));
        RawHttp.Answer a = send("GET", DIGEST_FILE,
                digest("MD5", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce),
                "User-Agent: Grandstream GXP1610");
        assertEquals(200, a.status(), a.text());
        assertArrayEquals(XML, a.body());
        awaitDownloads(1);
        assertEquals("digest.xml", files.downloads.get(0).name());
        assertEquals("Grandstream GXP1610", files.downloads.get(0).userAgent());
    }

    @Test
    void digestSha256ServesTheFile() throws Exception {
        String nonce = nonce(send("GET", DIGEST_FILE));
        RawHttp.Answer a = send("GET", DIGEST_FILE,
                digest("SHA-256", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce));
        assertEquals(200, a.status(), a.text());
    }

    @Test
    void digestWithAWrongPasswordOrUserIsRefused() throws Exception {
        String nonce = nonce(send("GET", DIGEST_FILE));
        assertUnauthorized(send("GET", DIGEST_FILE,
                digest("MD5", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), "wrong", nonce)), "Digest");
        assertUnauthorized(send("GET", DIGEST_FILE,
                digest("MD5", "GET", DIGEST_FILE, "someone", FakeFiles.DIGEST.password(), nonce)), "Digest");
        Thread.sleep(100);
        assertEquals(List.of(), files.downloads);
    }

    @Test
    void digestWithAForgedNonceIsRefusedWithoutStale() throws Exception {
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[40]);
        RawHttp.Answer a = send("GET", DIGEST_FILE,
                digest("MD5", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), forged));
        assertUnauthorized(a, "Digest");
        assertFalse(a.values("www-authenticate").get(0).contains("stale"));
    }

    @Test
    void anExpiredNonceWithTheRightAnswerIsStale() throws Exception {
        String nonce = nonce(send("GET", DIGEST_FILE));
        clock.addAndGet(PhoneAuthentication.NONCE_LIFETIME_MILLIS + 1000);
        RawHttp.Answer stale = send("GET", DIGEST_FILE,
                digest("MD5", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce));
        assertUnauthorized(stale, "Digest");
        assertTrue(stale.values("www-authenticate").stream().allMatch(c -> c.endsWith(", stale=true")),
                stale.values("www-authenticate").toString());
        RawHttp.Answer wrong = send("GET", DIGEST_FILE,
                digest("MD5", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), "wrong", nonce));
        assertFalse(wrong.values("www-authenticate").get(0).contains("stale"), "stale only for a right answer");
        String fresh = nonce(stale);
        RawHttp.Answer retry = send("GET", DIGEST_FILE,
                digest("MD5", "GET", DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), fresh));
        assertEquals(200, retry.status());
    }

    @Test
    void theDigestUriMustBeTheRequestTarget() throws Exception {
        String nonce = nonce(send("GET", DIGEST_FILE));
        String other = "/provisioning/" + FakeFiles.TOKEN + "/cfg000b82273b89.xml";
        RawHttp.Answer a = send("GET", DIGEST_FILE,
                digest("MD5", "GET", other, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce));
        assertEquals(401, a.status(), "refused like wrong credentials: a 400 would tell that the token and file exist");
        assertEquals("Unauthorized\n", a.text());
    }

    @Test
    void filesWithoutCredentialsAndUnknownFilesAreUnchanged() throws Exception {
        assertEquals(200, send("GET", "/provisioning/" + FakeFiles.TOKEN + "/cfg000b82273b89.xml").status());
        RawHttp.Answer unknown = send("GET", "/provisioning/" + "x".repeat(32) + "/digest.xml");
        assertEquals(404, unknown.status());
        assertNull(unknown.headers().get("www-authenticate"));
    }

    // ---- units ----

    @Test
    void nonceLifetimeAndIntegrity() {
        AtomicLong t = new AtomicLong(42);
        PhoneAuthentication auth = new PhoneAuthentication(new byte[32], t::get);
        String n = auth.newNonce();
        assertEquals(NonceState.VALID, auth.nonceState(n));
        t.addAndGet(PhoneAuthentication.NONCE_LIFETIME_MILLIS);
        assertEquals(NonceState.VALID, auth.nonceState(n));
        t.incrementAndGet();
        assertEquals(NonceState.EXPIRED, auth.nonceState(n));
        byte[] key = new byte[32];
        key[0] = 1;
        assertEquals(NonceState.INVALID, new PhoneAuthentication(key, t::get).nonceState(n), "another server's key");
        char[] c = n.toCharArray();
        c[c.length - 3] = c[c.length - 3] == 'A' ? 'B' : 'A';
        assertEquals(NonceState.INVALID, auth.nonceState(new String(c)));
        assertEquals(NonceState.INVALID, auth.nonceState("not base64!"));
        assertEquals(NonceState.INVALID, auth.nonceState(""));
    }

    @Test
    void digestRejectsWhatItDoesNotSupport() {
        AtomicLong t = new AtomicLong(0);
        PhoneAuthentication auth = new PhoneAuthentication(new byte[32], t::get);
        Credentials c = FakeFiles.DIGEST;
        String ok = digest("MD5", "GET", "/p", c.user(), c.password(), auth.newNonce()).substring("Authorization: ".length());
        assertEquals(Outcome.OK, auth.check("GET", "/p", ok, c).outcome());
        assertEquals(Outcome.OK, auth.check("GET", "/p", ok.replace("Digest ", "dIgEsT  "), c).outcome());
        assertEquals(Outcome.MISSING, auth.check("GET", "/p", null, c).outcome());
        assertEquals(Outcome.WRONG, auth.check("GET", "/p", ok.replace("algorithm=MD5", "algorithm=MD5-sess"), c).outcome());
        assertEquals(Outcome.WRONG, auth.check("GET", "/p", ok.replace("qop=auth", "qop=auth-int"), c).outcome());
        assertEquals(Outcome.WRONG, auth.check("GET", "/p", ok.replace(", qop=auth", ""), c).outcome());
        assertEquals(Outcome.WRONG, auth.check("GET", "/p", ok.replace("nc=00000001", "nc=1"), c).outcome());
        assertEquals(Outcome.WRONG, auth.check("GET", "/p", ok.replace("realm=\"pnp\"", "realm=\"other\""), c).outcome());
        assertEquals(Outcome.WRONG, auth.check("GET", "/p", ok + ", userhash=true", c).outcome());
        assertEquals(Outcome.WRONG, auth.check("GET", "/p", ok + ", nc=00000002", c).outcome(), "repeated parameter");
        assertEquals(Outcome.WRONG, auth.check("GET", "/p", ok.replace("\"/p\"", "\"/p"), c).outcome(), "unclosed quote");
        assertEquals(Outcome.BAD_REQUEST, auth.check("GET", "/q", ok, c).outcome());
        assertEquals(Outcome.WRONG, auth.check("HEAD", "/p", ok, c).outcome());
    }

    @Test
    void parsesAuthParams() {
        Map<String, String> p = PhoneAuthentication.parseParams(
                "Username=\"a\\\"b\", realm=\"p, n\"  ,nc=00000001,qop=auth , x = \"\"");
        assertNotNull(p);
        assertEquals(Map.of("username", "a\"b", "realm", "p, n", "nc", "00000001", "qop", "auth", "x", ""), p);
        assertNull(PhoneAuthentication.parseParams("a=b c=d"));
        assertNull(PhoneAuthentication.parseParams("=b"));
        assertNull(PhoneAuthentication.parseParams("a="));
        assertEquals(Map.of(), PhoneAuthentication.parseParams(" , "));
    }
}
