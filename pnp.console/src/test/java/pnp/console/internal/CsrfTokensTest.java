package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class CsrfTokensTest {

    final CsrfTokens tokens = new CsrfTokens(new SecureRandom());
    final Instant now = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void aTokenIsValidForItsUserUntilItExpires() {
        String t = tokens.issue("admin", now);
        assertTrue(tokens.valid(t, "admin", now));
        assertTrue(tokens.valid(t, "admin", now.plus(CsrfTokens.MAX_AGE).minusSeconds(1)));
        assertFalse(tokens.valid(t, "admin", now.plus(CsrfTokens.MAX_AGE).plusSeconds(1)), "expired");
        assertFalse(tokens.valid(t, "eve", now), "other user");
    }

    @Test
    void forgedTamperedOrMissingTokensFail() {
        String t = tokens.issue("admin", now);
        assertFalse(tokens.valid(null, "admin", now));
        assertFalse(tokens.valid("", "admin", now));
        assertFalse(tokens.valid("garbage", "admin", now));
        assertFalse(tokens.valid(t + "x", "admin", now));
        String later = (now.getEpochSecond() + 100) + t.substring(t.indexOf('.'));
        assertFalse(tokens.valid(later, "admin", now.plusSeconds(100)), "issue time is signed");
        assertFalse(new CsrfTokens(new SecureRandom()).valid(t, "admin", now), "another instance's key");
    }

    @Test
    void originAndRefererMustNameTheRequestedHostWhenPresent() {
        assertTrue(CsrfTokens.sameOrigin(null, null, "127.0.0.1:8080"));
        assertTrue(CsrfTokens.sameOrigin("http://127.0.0.1:8080", "http://127.0.0.1:8080/system/console/phones",
                "127.0.0.1:8080"));
        assertTrue(CsrfTokens.sameOrigin(null, "http://admin:pw@127.0.0.1:8080/x", "127.0.0.1:8080"));
        assertFalse(CsrfTokens.sameOrigin("http://evil.example", null, "127.0.0.1:8080"));
        assertFalse(CsrfTokens.sameOrigin("null", null, "127.0.0.1:8080"));
        assertFalse(CsrfTokens.sameOrigin(null, "http://127.0.0.1:8081/", "127.0.0.1:8080"));
        assertFalse(CsrfTokens.sameOrigin("http://127.0.0.1:8080.evil.example", null, "127.0.0.1:8080"));
    }
}
