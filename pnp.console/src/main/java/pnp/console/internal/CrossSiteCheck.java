package pnp.console.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a request may change state in the web console: the CSRF rule of {@link ConsoleGuard}.
 * The console (Felix's own pages as much as ours) acts on any authenticated POST, and a browser resends
 * the admin's Basic credentials with a request another site's page makes; so a state-changing request is
 * taken only when it shows it comes from the console's own pages, or from no browser at all.
 *
 * <ul>
 * <li>GET, HEAD and OPTIONS pass: they change nothing (and the console grants no CORS).
 * <li>{@code Sec-Fetch-Site} (set by the browser, a page cannot forge it) other than {@code same-origin}:
 * refused.
 * <li>{@code Origin}, else {@code Referer}, present: its {@code scheme://host:port} must be the console's
 * own: the request's scheme and {@code Host}, default ports filled in. {@code Origin: null} is refused.
 * <li>Neither: refused when a browser sent it ({@code Sec-Fetch-Site} present but not {@code same-origin},
 * or a browser's {@code User-Agent}, which always starts with {@code Mozilla/}); otherwise it is a script
 * (curl, wget, Python) and passes.
 * </ul>
 *
 * <p>Stateless; safe for concurrent use.
 */
final class CrossSiteCheck {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private CrossSiteCheck() {
    }

    /** The answer: allowed, or refused with a reason an admin can read (request strings already escaped). */
    record Verdict(boolean allowed, String reason) {
        static final Verdict ALLOWED = new Verdict(true, "");

        static Verdict refused(String reason) {
            return new Verdict(false, reason);
        }
    }

    /**
     * @param method the request method
     * @param scheme the scheme the request came in with ({@code http} or {@code https})
     * @param host the {@code Host} header (host[:port]); may be {@code null}
     * @param origin {@code Origin}; may be {@code null}
     * @param referer {@code Referer}; may be {@code null}
     * @param fetchSite {@code Sec-Fetch-Site}; may be {@code null}
     * @param userAgent {@code User-Agent}; may be {@code null}
     */
    static Verdict check(String method, String scheme, String host, String origin, String referer, String fetchSite,
            String userAgent) {
        if (SAFE_METHODS.contains(method)) {
            return Verdict.ALLOWED;
        }
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin")) {
            return Verdict.refused("the browser marks it Sec-Fetch-Site '" + LogText.escape(fetchSite) + "'");
        }
        String own = originOf(scheme + "://" + (host == null ? "" : host));
        String claimed = origin != null ? origin : referer;
        String header = origin != null ? "Origin" : "Referer";
        if (claimed != null) {
            String theirs = originOf(claimed);
            if (own == null || !own.equals(theirs)) {
                return Verdict.refused(header + " '" + LogText.escape(claimed) + "' is not this console's origin '"
                        + (own == null ? "(no Host header)" : LogText.escape(own)) + "'");
            }
            return Verdict.ALLOWED;
        }
        if (fetchSite != null) {
            return Verdict.ALLOWED;
        }
        if (userAgent != null && userAgent.startsWith("Mozilla/")) {
            return Verdict.refused("a browser (User-Agent '" + LogText.escape(userAgent)
                    + "') sent neither Origin nor Referer");
        }
        return Verdict.ALLOWED;
    }

    /** {@code scheme://host:port} in lower case with the default port filled in, or {@code null}. */
    static String originOf(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null || host.isEmpty()) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = u.getPort();
            if (port < 0) {
                port = switch (scheme) {
                    case "http" -> 80;
                    case "https" -> 443;
                    default -> -1;
                };
            }
            return port < 0 ? null : scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
