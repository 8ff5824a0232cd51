package pnp.console.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens that prove a POST came from the Phones page, not from another site riding on the browser's
 * cached console credentials (the Web Console itself has no CSRF protection).
 *
 * <p>A token is {@code <issued epoch seconds>.<base64url HMAC-SHA256(key, user "|" issued)>}: stateless,
 * bound to the console user, valid for {@link #MAX_AGE}. The key is random per instance, so a restart
 * of the bundle invalidates every token (the page then asks for a reload). The page carries the token
 * and sends it in the {@value #HEADER} header, which a cross-site form cannot set and a cross-site
 * {@code fetch} cannot send without a CORS preflight the console never grants.
 *
 * <p>Threading: immutable after construction; safe for concurrent use.
 */
final class CsrfTokens {

    static final String HEADER = "X-PnP-Token";
    static final Duration MAX_AGE = Duration.ofHours(12);

    private final byte[] key;

    CsrfTokens(SecureRandom random) {
        key = new byte[32];
        random.nextBytes(key);
    }

    /** A token for the user (empty string when the console names none), issued at {@code now}. */
    String issue(String user, Instant now) {
        long issued = now.getEpochSecond();
        return issued + "." + mac(user, issued);
    }

    /** Whether the token was issued by this instance for this user and has not expired. */
    boolean valid(String token, String user, Instant now) {
        if (token == null) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long issued;
        try {
            issued = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        long age = now.getEpochSecond() - issued;
        if (age < -60 || age > MAX_AGE.getSeconds()) {
            return false;
        }
        byte[] expected = mac(user, issued).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /**
     * Whether the browser's {@code Origin} / {@code Referer} (each may be absent) name the host the
     * request was sent to. A present header that names another host, or cannot be read, fails.
     *
     * @param host the request's {@code Host} header (host[:port])
     */
    static boolean sameOrigin(String origin, String referer, String host) {
        if (host == null || host.isEmpty()) {
            return origin == null && referer == null;
        }
        return matches(origin, host) && matches(referer, host);
    }

    private static boolean matches(String url, String host) {
        if (url == null) {
            return true;
        }
        try {
            URI u = new URI(url);
            String authority = u.getRawAuthority();
            if (authority == null) {
                return false;
            }
            int at = authority.lastIndexOf('@');
            String hostPort = (at >= 0 ? authority.substring(at + 1) : authority).toLowerCase(Locale.ROOT);
            return hostPort.equals(host.toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private String mac(String user, long issued) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] d = hmac.doFinal((user + "|" + issued).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
