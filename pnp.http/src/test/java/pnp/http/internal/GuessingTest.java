package pnp.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing tokens and credentials against the real server on 127.0.0.1: every wrong case gets the same
 * answer (status, body, headers: only the Digest nonce differs), and wrong guesses are limited per
 * source ({@link GuessLimiter}, with a clock the test moves).
 */
class GuessingTest {

    private static final String DIGEST_FILE = "/provisioning/" + FakeFiles.TOKEN + "/digest.xml";

    @TempDir
    Path keys;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private HttpProvisioningServer server;
    private int port;

    private void start(GuessLimiter limiter) {
        FakeFiles files = FakeFiles.withCredentials();
        files.refusalScheme = "digest";
        server = new HttpProvisioningServer(new ProvisioningHandler(files, new ProbeLog(),
                new PhoneAuthentication(new byte[32], clock::get), limiter),
                new HttpProvisioningServer.Settings("127.0.0.1", 0, -1, null, null, keys, 16));
        server.start();
        port = server.httpPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void everyWrongCaseAnswersIdentically() throws Exception {
        start(GuessLimiter.off());
        String nonce = nonce(RawHttp.send(port, "GET", DIGEST_FILE));
        List<RawHttp.Answer> wrong = new ArrayList<>();
        wrong.add(RawHttp.send(port, "GET", "/provisioning/" + "x".repeat(22) + "/digest.xml")); // unknown token
        wrong.add(RawHttp.send(port, "GET", "/provisioning/" + FakeFiles.TOKEN + "/nothing.xml")); // unknown file
        wrong.add(RawHttp.send(port, "GET", "/provisioning/ab/digest.xml")); // malformed token
        wrong.add(RawHttp.send(port, "GET", DIGEST_FILE)); // no credentials
        wrong.add(RawHttp.send(port, "GET", DIGEST_FILE, digest(DIGEST_FILE, FakeFiles.DIGEST.user(), "wrong", nonce)));
        wrong.add(RawHttp.send(port, "GET", DIGEST_FILE, digest(DIGEST_FILE, "someone", FakeFiles.DIGEST.password(), nonce)));
        wrong.add(RawHttp.send(port, "GET", DIGEST_FILE, digest("/provisioning/" + FakeFiles.TOKEN + "/cfg.xml",
                FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce))); // uri of another file
        wrong.add(RawHttp.send(port, "GET", DIGEST_FILE, "Authorization: Basic Zm9vOmJhcg==")); // another scheme
        String first = shape(wrong.get(0));
        for (int i = 0; i < wrong.size(); i++) {
            assertEquals(first, shape(wrong.get(i)), "wrong case " + i);
        }
        assertEquals(401, wrong.get(0).status());
        assertEquals(200, RawHttp.send(port, "GET", DIGEST_FILE,
                digest(DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce)).status());
    }

    @Test
    void wrongGuessesAreLimitedPerSource() throws Exception {
        start(new GuessLimiter(3, 10_000_000_000L, clock::get));
        String nonce = nonce(RawHttp.send(port, "GET", DIGEST_FILE));
        String right = digest(DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce);
        assertEquals(200, RawHttp.send(port, "GET", DIGEST_FILE, right).status(), "the phone itself");
        for (int i = 0; i < 3; i++) {
            assertEquals(401, RawHttp.send(port, "GET", "/provisioning/" + "y".repeat(22) + i + "/digest.xml").status());
        }
        RawHttp.Answer limited = RawHttp.send(port, "GET", DIGEST_FILE, right);
        assertEquals(shape(RawHttp.send(port, "GET", "/provisioning/" + "z".repeat(22) + "/digest.xml")), shape(limited),
                "out of guesses: even the right answer gets the refusal, so it tells nothing");
        clock.addAndGet(10_000_000_000L);
        nonce = nonce(RawHttp.send(port, "GET", DIGEST_FILE));
        assertEquals(200, RawHttp.send(port, "GET", DIGEST_FILE,
                digest(DIGEST_FILE, FakeFiles.DIGEST.user(), FakeFiles.DIGEST.password(), nonce)).status(),
                "one guess regained after the refill time");
    }

    /** Status, body and every header, the Digest nonce blanked (it is fresh in every challenge). */
    private static String shape(RawHttp.Answer a) {
        Map<String, List<String>> headers = new TreeMap<>(a.all());
        headers.remove("date");
        return a.status() + " " + headers.toString().replaceAll("nonce=\"[^\"]*\"", "nonce=\"\"") + " "
                + new String(a.body(), StandardCharsets.ISO_8859_1);
    }

    private static String nonce(RawHttp.Answer a) {
        String c = a.values("www-authenticate").get(0);
        return PhoneAuthentication.parseParams(c.substring("Digest ".length())).get("nonce");
    }

    private static String digest(String uri, String user, String password, String nonce) {
        String ha1 = PhoneAuthentication.hash("MD5", user + ":pnp:" + password);
        String ha2 = PhoneAuthentication.hash("MD5", "GET:" + uri);
        String response = PhoneAuthentication.hash("MD5", ha1 + ":" + nonce + ":00000001:0a4f113b:auth:" + ha2);
        return "Authorization: Digest username=\"" + user + "\", realm=\"pnp\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", algorithm=MD5, response=\"" + response + "\", qop=auth, nc=00000001, cnonce=\"0a4f113b\"";
    }
}
