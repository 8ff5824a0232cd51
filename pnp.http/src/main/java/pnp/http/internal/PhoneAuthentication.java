package pnp.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import pnp.api.ProvisioningFiles.Credentials;

/**
 * Checks the {@code Authorization} header of a request for a file that carries per-phone
 * {@link Credentials}: HTTP Basic (RFC 7617) or HTTP Digest (RFC 7616, compatible with RFC 2617
 * clients that use {@code qop=auth}).
 *
 * <p><b>Basic</b>: the decoded {@code user:password} (UTF-8) is compared with the phone's, both parts
 * always, in constant time ({@link MessageDigest#isEqual}).
 *
 * <p><b>Digest</b>: {@code qop=auth} only; {@code algorithm} {@code MD5} (default, what phones speak)
 * or {@code SHA-256}; no {@code -sess}, no {@code userhash}. Verified: realm, {@code uri} equal to
 * the raw request target (else 400, RFC 7616 §3.4.6), {@code nc} 8 hex digits, {@code cnonce}
 * present, the nonce ours and not older than {@value #NONCE_LIFETIME_MILLIS} ms, user name and
 * {@code response} (compared in constant time) for the request method.
 *
 * <p>Nonces are stateless: {@code base64url(t || HMAC-SHA256(key, t))} where {@code t} is an 8-byte
 * monotonic millisecond clock and {@code key} 32 random bytes made when this object is created (one
 * per server start; a restart invalidates outstanding nonces, the client just gets a new challenge).
 * An expired nonce with an otherwise correct answer gets {@code stale=true}. There is no nonce table
 * and {@code nc} values are not tracked: a request replayed within the nonce lifetime fetches the
 * same file again, which an eavesdropper able to capture the request also saw in the response.
 *
 * <p>Threading: immutable after construction, safe from any thread; never blocks.
 */
final class PhoneAuthentication {

    static final String REALM = "pnp";
    static final long NONCE_LIFETIME_MILLIS = 5 * 60_000L;

    private static final int TIME_BYTES = 8;
    private static final int MAC_BYTES = 32;
    private static final Base64.Encoder NONCE_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final HexFormat HEX = HexFormat.of();

    /** What a check concluded. */
    enum Outcome {
        /** Authenticated: serve. */
        OK,
        /** No credentials of the expected scheme were sent: the normal first step, answer a challenge. */
        MISSING,
        /** Correct answer to an expired nonce of ours: challenge again with {@code stale=true}. */
        STALE,
        /** Wrong or malformed credentials: challenge again, and count it as a probe. */
        WRONG,
        /** The digest {@code uri} names another resource than the request: 400. */
        BAD_REQUEST
    }

    /**
     * The result of a check.
     *
     * @param outcome what to do
     * @param reason why, for the log only (never holds a password)
     */
    record Verdict(Outcome outcome, String reason) {
        static final Verdict OK = new Verdict(Outcome.OK, "authenticated");

        static Verdict missing(String reason) {
            return new Verdict(Outcome.MISSING, reason);
        }

        static Verdict wrong(String reason) {
            return new Verdict(Outcome.WRONG, reason);
        }
    }

    private final byte[] key;
    private final LongSupplier millis;

    /** A random key and the monotonic clock. */
    PhoneAuthentication() {
        this(randomKey(), () -> System.nanoTime() / 1_000_000L);
    }

    /**
     * @param key the nonce key
     * @param millis a monotonic clock in milliseconds
     */
    PhoneAuthentication(byte[] key, LongSupplier millis) {
        this.key = key.clone();
        this.millis = Objects.requireNonNull(millis, "millis");
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /**
     * The {@code WWW-Authenticate} values for a 401: one Basic challenge, or two Digest challenges,
     * MD5 first (clients such as libcurl take the first Digest challenge; phones speak MD5), then SHA-256.
     */
    List<String> challenges(Credentials credentials, boolean stale) {
        if ("basic".equals(credentials.scheme())) {
            return List.of("Basic realm=\"" + REALM + "\"");
        }
        String nonce = newNonce();
        String tail = stale ? ", stale=true" : "";
        return List.of(
                "Digest realm=\"" + REALM + "\", qop=\"auth\", nonce=\"" + nonce + "\", algorithm=MD5" + tail,
                "Digest realm=\"" + REALM + "\", qop=\"auth\", nonce=\"" + nonce + "\", algorithm=SHA-256" + tail);
    }

    /**
     * Checks one request.
     *
     * @param method the request method as sent ({@code GET}, {@code HEAD})
     * @param target the raw request target (path and query as sent, still encoded)
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param credentials what the phone must present
     */
    Verdict check(String method, String target, String authorization, Credentials credentials) {
        if (authorization == null || authorization.isBlank()) {
            return Verdict.missing("no Authorization header");
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : header.substring(space + 1).strip();
        if (!scheme.equals(credentials.scheme())) {
            return Verdict.wrong("Authorization scheme " + (scheme.length() <= 16 ? ProbeLog.printable(scheme) : "?")
                    + " instead of " + credentials.scheme());
        }
        return scheme.equals("basic") ? basic(rest, credentials) : digest(method, target, rest, credentials);
    }

    private static Verdict basic(String encoded, Credentials credentials) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return Verdict.wrong("malformed Basic credentials");
        }
        int colon = -1;
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return Verdict.wrong("malformed Basic credentials");
        }
        byte[] user = java.util.Arrays.copyOfRange(decoded, 0, colon);
        byte[] password = java.util.Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        boolean userOk = MessageDigest.isEqual(user, credentials.user().getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = MessageDigest.isEqual(password, credentials.password().getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk ? Verdict.OK : Verdict.wrong("wrong Basic user or password");
    }

    private Verdict digest(String method, String target, String rest, Credentials credentials) {
        Map<String, String> p = parseParams(rest);
        if (p == null) {
            return Verdict.wrong("malformed Digest credentials");
        }
        String username = p.get("username");
        String realm = p.get("realm");
        String nonce = p.get("nonce");
        String uri = p.get("uri");
        String response = p.get("response");
        String qop = p.get("qop");
        String nc = p.get("nc");
        String cnonce = p.get("cnonce");
        if (username == null || realm == null || nonce == null || uri == null || response == null) {
            return Verdict.wrong("Digest credentials lack username, realm, nonce, uri or response");
        }
        String algorithm = p.getOrDefault("algorithm", "MD5");
        String digestName;
        if (algorithm.equalsIgnoreCase("MD5")) {
            digestName = "MD5";
        } else if (algorithm.equalsIgnoreCase("SHA-256")) {
            digestName = "SHA-256";
        } else {
            return Verdict.wrong("unsupported Digest algorithm");
        }
        if ("true".equalsIgnoreCase(p.get("userhash"))) {
            return Verdict.wrong("Digest userhash is not supported");
        }
        if (qop == null || !qop.equalsIgnoreCase("auth") || nc == null || cnonce == null || cnonce.isEmpty()) {
            return Verdict.wrong("Digest without qop=auth, nc and cnonce");
        }
        if (!isHex(nc, 8)) {
            return Verdict.wrong("malformed Digest nc");
        }
        if (!uri.equals(target)) {
            return new Verdict(Outcome.BAD_REQUEST, "Digest uri does not match the request target");
        }
        if (!REALM.equals(realm)) {
            return Verdict.wrong("Digest realm is not " + REALM);
        }
        NonceState state = nonceState(nonce);
        if (state == NonceState.INVALID) {
            return Verdict.wrong("Digest nonce is not ours (or from before a restart)");
        }
        String ha1 = hash(digestName, credentials.user() + ":" + REALM + ":" + credentials.password());
        String ha2 = hash(digestName, method + ":" + uri);
        String expected = hash(digestName, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
        boolean responseOk = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        boolean userOk = MessageDigest.isEqual(username.getBytes(StandardCharsets.UTF_8),
                credentials.user().getBytes(StandardCharsets.UTF_8));
        if (!(responseOk & userOk)) {
            return Verdict.wrong("wrong Digest user or password");
        }
        return state == NonceState.EXPIRED ? new Verdict(Outcome.STALE, "Digest nonce expired") : Verdict.OK;
    }

    enum NonceState {
        VALID, EXPIRED, INVALID
    }

    /** A fresh nonce for now. */
    String newNonce() {
        byte[] time = ByteBuffer.allocate(TIME_BYTES).putLong(millis.getAsLong()).array();
        byte[] mac = mac(time);
        return NONCE_ENCODER.encodeToString(ByteBuffer.allocate(TIME_BYTES + MAC_BYTES).put(time).put(mac).array());
    }

    NonceState nonceState(String nonce) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return NonceState.INVALID;
        }
        if (raw.length != TIME_BYTES + MAC_BYTES) {
            return NonceState.INVALID;
        }
        byte[] time = java.util.Arrays.copyOfRange(raw, 0, TIME_BYTES);
        byte[] mac = java.util.Arrays.copyOfRange(raw, TIME_BYTES, raw.length);
        if (!MessageDigest.isEqual(mac, mac(time))) {
            return NonceState.INVALID;
        }
        long age = millis.getAsLong() - ByteBuffer.wrap(time).getLong();
        if (age < 0) {
            return NonceState.INVALID;
        }
        return age > NONCE_LIFETIME_MILLIS ? NonceState.EXPIRED : NonceState.VALID;
    }

    private byte[] mac(byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }

    static String hash(String algorithm, String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JRE", e);
        }
    }

    private static boolean isHex(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code name=value, name="quoted \" value", ...} (RFC 9110 §11.2 auth-params); names in
     * lower case. {@code null} when malformed or when a name repeats.
     */
    static Map<String, String> parseParams(String s) {
        Map<String, String> params = new HashMap<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                return params;
            }
            int nameStart = i;
            while (i < n && isTokenChar(s.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                return null;
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n || s.charAt(i) != '=') {
                return null;
            }
            i++;
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            String value;
            if (i < n && s.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        b.append(s.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        b.append(c);
                    }
                }
                if (!closed) {
                    return null;
                }
                value = b.toString();
            } else {
                int valueStart = i;
                while (i < n && isTokenChar(s.charAt(i))) {
                    i++;
                }
                if (i == valueStart) {
                    return null;
                }
                value = s.substring(valueStart, i);
            }
            if (params.put(name, value) != null) {
                return null;
            }
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && s.charAt(i) != ',') {
                return null;
            }
        }
    }

    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={} \t".indexOf(c) < 0;
    }
}
