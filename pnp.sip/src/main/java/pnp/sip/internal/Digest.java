package pnp.sip.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;

import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The client side of HTTP Digest as SIP uses it (RFC 3261 22.4, RFC 2617, RFC 7616 / RFC 8760 for SHA-256):
 * answers one 401/407 challenge with an {@code Authorization} (or {@code Proxy-Authorization}) header.
 * The stack's own headers parse the challenge and encode the answer; the hashes are ours, because the
 * stack's client helper needs a stateful client transaction and sends the same cnonce ({@code "xyz"}) in
 * every answer. No OSGi, no state: the password is used here and goes nowhere else.
 */
final class Digest {

    /** Algorithms we answer, most preferred first (RFC 7616 3.7: the client uses the strongest it knows). */
    private static final List<String> ALGORITHMS = List.of("SHA-256", "SHA-256-sess", "MD5", "MD5-sess");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Digest() {
    }

    /** A challenge we cannot answer, with the reason in words. */
    static final class Unanswerable extends Exception {
        private static final long serialVersionUID = 1L;

        Unanswerable(String reason) {
            super(reason);
        }
    }

    /**
     * The header that answers the challenge in a 401 ({@code WWW-Authenticate}) or 407
     * ({@code Proxy-Authenticate}), for {@code request} (method and Request-URI) with an empty body.
     */
    static AuthorizationHeader answer(HeaderFactory headers, Response challenge, Request request, String user,
            String password) throws Unanswerable, ParseException {
        boolean proxy = challenge.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED;
        WWWAuthenticateHeader chosen = choose(challenge, proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
        String algorithm = chosen.getAlgorithm() == null ? "MD5" : canonical(chosen.getAlgorithm());
        String realm = chosen.getRealm() == null ? "" : chosen.getRealm();
        String nonce = chosen.getNonce();
        String uri = request.getRequestURI().toString();
        String qop = qop(chosen.getQop());
        String cnonce = qop == null && !algorithm.endsWith("-sess") ? null : cnonce();
        String nc = qop == null ? null : "00000001";
        String response = response(algorithm, user, realm, password, nonce, nc, cnonce, qop, request.getMethod(), uri,
                new byte[0]);

        AuthorizationHeader answer = proxy ? headers.createProxyAuthorizationHeader("Digest")
                : headers.createAuthorizationHeader("Digest");
        answer.setUsername(user);
        answer.setRealm(realm);
        answer.setNonce(nonce);
        answer.setURI(request.getRequestURI());
        answer.setResponse(response);
        answer.setAlgorithm(algorithm);
        if (chosen.getOpaque() != null) {
            answer.setOpaque(chosen.getOpaque());
        }
        if (qop != null) {
            answer.setQop(qop);
            answer.setNonceCount(1);
            answer.setCNonce(cnonce);
        } else if (cnonce != null) {
            answer.setCNonce(cnonce);
        }
        return answer;
    }

    /** Whether {@link #answer} can answer the challenge in this 401 or 407. */
    static void check(Response challenge) throws Unanswerable {
        choose(challenge, challenge.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED
                ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
    }

    /**
     * The {@code response} value (RFC 2617 3.2.2.1, RFC 7616 3.4.1): {@code H(HA1:nonce:HA2)} without qop,
     * {@code H(HA1:nonce:nc:cnonce:qop:HA2)} with it.
     */
    static String response(String algorithm, String user, String realm, String password, String nonce, String nc,
            String cnonce, String qop, String method, String uri, byte[] body) {
        String function = algorithm.startsWith("SHA-256") ? "SHA-256" : "MD5";
        String ha1 = hash(function, user + ":" + realm + ":" + password);
        if (algorithm.endsWith("-sess")) {
            ha1 = hash(function, ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = "auth-int".equals(qop)
                ? hash(function, method + ":" + uri + ":" + hex(function, body))
                : hash(function, method + ":" + uri);
        return qop == null
                ? hash(function, ha1 + ":" + nonce + ":" + ha2)
                : hash(function, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** The Digest challenge with the strongest algorithm we know, among all the phone sent. */
    private static WWWAuthenticateHeader choose(Response challenge, String headerName) throws Unanswerable {
        WWWAuthenticateHeader best = null;
        int bestRank = Integer.MAX_VALUE;
        String offered = "";
        ListIterator<?> all = challenge.getHeaders(headerName);
        while (all != null && all.hasNext()) {
            if (!(all.next() instanceof WWWAuthenticateHeader h) || !"Digest".equalsIgnoreCase(h.getScheme())) {
                continue;
            }
            String algorithm = h.getAlgorithm() == null ? "MD5" : canonical(h.getAlgorithm());
            offered = offered.isEmpty() ? algorithm : offered + ", " + algorithm;
            int rank = ALGORITHMS.indexOf(algorithm);
            if (rank >= 0 && rank < bestRank && h.getNonce() != null) {
                best = h;
                bestRank = rank;
            }
        }
        if (best == null) {
            throw new Unanswerable(offered.isEmpty() ? "no Digest challenge in " + headerName
                    : "a Digest challenge with an algorithm we do not know (" + LogText.of(offered) + ")");
        }
        return best;
    }

    /** The qop we answer with: auth when offered (RFC 7616 asks for it), else auth-int, else none. */
    private static String qop(String offered) {
        if (offered == null || offered.isBlank()) {
            return null;
        }
        List<String> options = List.of(offered.toLowerCase(Locale.ROOT).replace("\"", "").split("\\s*,\\s*"));
        if (options.contains("auth")) {
            return "auth";
        }
        return options.contains("auth-int") ? "auth-int" : null;
    }

    private static String canonical(String algorithm) {
        for (String known : ALGORITHMS) {
            if (known.equalsIgnoreCase(algorithm.strip())) {
                return known;
            }
        }
        return algorithm.strip();
    }

    private static String cnonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String hash(String function, String text) {
        return hex(function, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(String function, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(function).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(function + " is part of every Java runtime", e);
        }
    }
}
