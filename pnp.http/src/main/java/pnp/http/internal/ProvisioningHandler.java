package pnp.http.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.eclipse.jetty.http.DateGenerator;
import org.eclipse.jetty.http.DateParser;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.ProvisioningFiles;
import pnp.api.ProvisioningFiles.Found;
import pnp.api.ProvisioningFiles.Lookup;
import pnp.http.internal.ProvisioningPath.Parsed;
import pnp.http.internal.ProvisioningPath.Refused;
import pnp.http.internal.ProvisioningPath.Requested;

/**
 * Answers {@code GET} and {@code HEAD} for {@code /provisioning/<token>/<file>} from
 * {@link ProvisioningFiles}; everything else gets a short constant answer that reveals nothing.
 *
 * <ul>
 * <li>other methods: 405 with {@code Allow: GET, HEAD};</li>
 * <li>malformed paths (traversal, encoded separators, control characters, overlong): 400;</li>
 * <li>paths that cannot name a file, and every {@link ProvisioningFiles.NotFound}: 404 with the
 * same body, so a prober cannot tell an unknown token from an unknown file;</li>
 * <li>a file: 200 with {@code Content-Type}, {@code Content-Length}, {@code ETag},
 * {@code Last-Modified} and {@code Cache-Control: no-store} (files carry credentials), or 304 when
 * {@code If-None-Match} (or, without it, {@code If-Modified-Since}) says the client has it;</li>
 * <li>a file with {@link ProvisioningFiles.Credentials}: only after the {@code Authorization} header
 * passes {@link PhoneAuthentication} (also for {@code HEAD} and before any 304), else 401 with
 * {@code WWW-Authenticate} and a constant body; nothing of the file (ETag, dates) is sent before.</li>
 * </ul>
 * A completed 200 {@code GET} is reported with {@link ProvisioningFiles#downloaded}; {@code HEAD} and
 * 304 are not. Refusals go to a {@link ProbeLog}; nothing is logged at INFO per request.
 *
 * <p>Every wrong case answers identically: when the core's {@link ProvisioningFiles#refusalScheme()} is
 * {@code basic} or {@code digest}, an unknown token or file, a file of another phone or address, a closed
 * bootstrap, missing or wrong credentials, a Digest {@code uri} of another resource and a source out of
 * guesses ({@link GuessLimiter}) all get the same 401 with the same challenge(s) and body; with
 * {@code off}, the same 404. Wrong guesses (not a missing {@code Authorization}, the normal first step)
 * are counted per source.
 *
 * <p>Threading: stateless apart from the probe log; {@link #handle} never blocks (the lookup reads
 * memory only), so Jetty may run it on a selector thread.
 */
public final class ProvisioningHandler extends Handler.Abstract.NonBlocking {

    private static final HttpField ALLOW = new HttpField(HttpHeader.ALLOW, "GET, HEAD");
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField TEXT_PLAIN = new HttpField(HttpHeader.CONTENT_TYPE, "text/plain");

    private static final ByteBuffer NOT_FOUND = constant("Not found\n");
    private static final ByteBuffer BAD_REQUEST = constant("Bad request\n");
    private static final ByteBuffer NOT_ALLOWED = constant("Method not allowed\n");
    private static final ByteBuffer UNAUTHORIZED = constant("Unauthorized\n");

    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningHandler.class);

    private final ProvisioningFiles files;
    private final ProbeLog probes;
    private final PhoneAuthentication authentication;
    private final GuessLimiter guesses;

    public ProvisioningHandler(ProvisioningFiles files) {
        this(files, new ProbeLog(), new PhoneAuthentication(), GuessLimiter.defaults());
    }

    ProvisioningHandler(ProvisioningFiles files, ProbeLog probes) {
        this(files, probes, new PhoneAuthentication());
    }

    /** Without a guess limit: for tests about other things. */
    ProvisioningHandler(ProvisioningFiles files, ProbeLog probes, PhoneAuthentication authentication) {
        this(files, probes, authentication, GuessLimiter.off());
    }

    ProvisioningHandler(ProvisioningFiles files, ProbeLog probes, PhoneAuthentication authentication,
            GuessLimiter guesses) {
        this.files = Objects.requireNonNull(files, "files");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.guesses = Objects.requireNonNull(guesses, "guesses");
    }

    private static ByteBuffer constant(String body) {
        return ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (!head && !HttpMethod.GET.is(method)) {
            response.getHeaders().add(ALLOW);
            plain(response, 405, NOT_ALLOWED, false, callback);
            return true;
        }
        String path = request.getHttpURI().getPath();
        Parsed parsed = ProvisioningPath.parse(path);
        InetAddress from = remote(request);
        if (parsed instanceof Refused r) {
            if (r.status() == 400) {
                probes.refused(from, 400, masked(path), r.reason());
                plain(response, 400, BAD_REQUEST, head, callback);
            } else {
                guesses.wrong(from);
                refuse(response, head, callback, from, path, r.reason());
            }
            return true;
        }
        Requested wanted = (Requested) parsed;
        if (from == null) {
            refuse(response, head, callback, null, path, "no remote address");
            return true;
        }
        if (guesses.exhausted(from)) {
            refuse(response, head, callback, from, path, "too many wrong tokens or credentials from this address; "
                    + "refused without looking (one guess regained every " + (GuessLimiter.DEFAULT_REFILL_NANOS
                            / 1_000_000_000L) + " s)");
            return true;
        }
        String scheme = request.isSecure() ? "https" : "http";
        Lookup lookup = files.lookup(wanted.token(), wanted.name(), from, scheme);
        if (!(lookup instanceof Found found)) {
            String reason = lookup instanceof ProvisioningFiles.NotFound nf ? nf.reason() : "no answer";
            guesses.wrong(from);
            refuse(response, head, callback, from, path, reason);
            return true;
        }
        if (found.credentials() != null && !authenticated(request, response, callback, found, head, from, path)) {
            return true;
        }
        serve(request, response, callback, found, head, from, scheme);
        return true;
    }

    /**
     * Checks the phone's credentials; when they do not pass, answers (401 with a challenge, or 400 for
     * a Digest {@code uri} of another resource) and returns {@code false}. A missing header and a stale
     * nonce are the normal steps of a Digest exchange and are logged at DEBUG only; wrong credentials
     * are refusals for the {@link ProbeLog}.
     */
    private boolean authenticated(Request request, Response response, Callback callback, Found found, boolean head,
            InetAddress from, String path) {
        String query = request.getHttpURI().getQuery();
        String target = query == null ? path : path + "?" + query;
        PhoneAuthentication.Verdict v = authentication.check(request.getMethod(), target,
                request.getHeaders().get(HttpHeader.AUTHORIZATION), found.credentials());
        switch (v.outcome()) {
            case OK:
                return true;
            case BAD_REQUEST:
            case WRONG:
                // A Digest uri of another resource too: a 400 would tell that the token and file exist.
                guesses.wrong(from);
                refuse(response, head, callback, from, path, v.reason(), found.credentials().scheme());
                return false;
            case STALE:
                // Only a correct answer to an expired nonce of ours gets here: not a wrong case.
                for (String challenge : authentication.challenges(found.credentials(), true)) {
                    response.getHeaders().add(HttpHeader.WWW_AUTHENTICATE, challenge);
                }
                plain(response, 401, UNAUTHORIZED, head, callback);
                return false;
            default:
                if (LOG.isDebugEnabled()) {
                    LOG.debug("HTTP 401 for {} from {}: {}", ProbeLog.printable(masked(path)), from, v.reason());
                }
                challenge(response, head, callback, found.credentials().scheme());
                return false;
        }
    }

    /**
     * The one answer of every wrong case (see the class comment), logged through the {@link ProbeLog}.
     */
    private void refuse(Response response, boolean head, Callback callback, InetAddress from, String path,
            String reason) {
        refuse(response, head, callback, from, path, reason, "off");
    }

    /** @param fileScheme the scheme of the phone whose credentials were wrong, when the core names none */
    private void refuse(Response response, boolean head, Callback callback, InetAddress from, String path,
            String reason, String fileScheme) {
        String scheme = files.refusalScheme();
        if ("off".equals(scheme)) {
            scheme = fileScheme;
        }
        boolean challenge = "basic".equals(scheme) || "digest".equals(scheme);
        probes.refused(from, challenge ? 401 : 404, masked(path), reason);
        if (challenge) {
            challenge(response, head, callback, scheme);
        } else {
            plain(response, 404, NOT_FOUND, head, callback);
        }
    }

    /** 401 with the challenge(s) of the scheme and the constant body. */
    private void challenge(Response response, boolean head, Callback callback, String scheme) {
        for (String c : authentication.challenges(new ProvisioningFiles.Credentials(scheme, "", ""), false)) {
            response.getHeaders().add(HttpHeader.WWW_AUTHENTICATE, c);
        }
        plain(response, 401, UNAUTHORIZED, head, callback);
    }

    private void serve(Request request, Response response, Callback callback, Found found, boolean head,
            InetAddress from, String scheme) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.add(NO_STORE);
        headers.put(HttpHeader.ETAG, found.etag());
        headers.put(HttpHeader.LAST_MODIFIED, DateGenerator.formatDate(found.lastModified()));
        if (notModified(request.getHeaders(), found)) {
            response.setStatus(304);
            response.write(true, null, callback);
            return;
        }
        response.setStatus(200);
        headers.put(HttpHeader.CONTENT_TYPE, found.file().contentType());
        headers.put(HttpHeader.CONTENT_LENGTH, found.file().length());
        if (head) {
            response.write(true, null, callback);
            return;
        }
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        response.write(true, found.file().contentBuffer(), new Callback() {
            @Override
            public void succeeded() {
                try {
                    files.downloaded(found, from, scheme, userAgent);
                } finally {
                    callback.succeeded();
                }
            }

            @Override
            public void failed(Throwable x) {
                callback.failed(x);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        });
    }

    /** RFC 9110 §13.1.2 and §13.1.3: If-None-Match wins; If-Modified-Since only without it. */
    static boolean notModified(HttpFields requestHeaders, Found found) {
        String inm = requestHeaders.get(HttpHeader.IF_NONE_MATCH);
        if (inm != null) {
            return matches(inm, found.etag());
        }
        String ims = requestHeaders.get(HttpHeader.IF_MODIFIED_SINCE);
        if (ims != null) {
            long since = DateParser.parseDate(ims);
            return since >= 0 && found.lastModified().getEpochSecond() <= since / 1000;
        }
        return false;
    }

    /** Weak comparison of an If-None-Match list ({@code *}, or tags separated by commas) with a tag. */
    static boolean matches(String ifNoneMatch, String etag) {
        String ours = etag.startsWith("W/") ? etag.substring(2) : etag;
        int i = 0;
        int n = ifNoneMatch.length();
        while (i < n) {
            int comma = ifNoneMatch.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            String tag = ifNoneMatch.substring(i, end).trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(ours)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static void plain(Response response, int status, ByteBuffer body, boolean head, Callback callback) {
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.add(TEXT_PLAIN);
        headers.add(NO_STORE);
        headers.put(HttpHeader.CONTENT_LENGTH, body.remaining());
        response.write(true, head ? null : body.slice(), callback);
    }

    private static InetAddress remote(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
    }

    /** The path with the segment after {@code /provisioning/} cut short, so the log never holds a whole token. */
    static String masked(String path) {
        if (path == null || !path.startsWith(ProvisioningPath.PREFIX)) {
            return path;
        }
        int from = ProvisioningPath.PREFIX.length();
        int end = path.indexOf('/', from);
        int tokenEnd = end < 0 ? path.length() : end;
        if (tokenEnd - from <= 4) {
            return path;
        }
        return path.substring(0, from + 4) + "***" + path.substring(tokenEnd);
    }
}
