package pnp.console.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.Preprocessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of everything the Felix HTTP service serves, which in this product is the web console
 * (Felix's own pages and ours): a whiteboard {@link Preprocessor} runs before the console's servlet context
 * is chosen and before its login check, so it sees every request, failed logins included.
 *
 * <ul>
 * <li>A state-changing request that another site's page may have made is refused with 403 and a plain-text
 * reason ({@link CrossSiteCheck}).
 * <li>Every answer forbids framing by other sites ({@code X-Frame-Options: SAMEORIGIN},
 * {@code Content-Security-Policy: frame-ancestors 'self'}) and content sniffing, and asks browsers to send
 * a {@code Referer} only to the console itself.
 * <li>Failed logins (a request with {@code Authorization} answered 401 by the console) slow their source
 * down, a login the console accepted resets it ({@link LoginThrottle}): while the delay lasts, a request with {@code Authorization} is answered 429
 * with {@code Retry-After} at once, without reaching the password check. Nothing sleeps: Jetty's threads
 * stay free for everyone else.
 * </ul>
 *
 * <p>The console checks the password itself (its configuration PID
 * {@code org.apache.felix.webconsole.internal.servlet.OsgiManager}, written by {@link ConsoleCredentials});
 * this class only watches the outcome, so it works the same for any password the admin configures.
 *
 * <p>Log lines: at most one per {@value #LOG_INTERVAL_SECONDS} s for refused cross-site requests and one for
 * throttled logins, each counting what it held back; request strings in them are escaped ({@link LogText}).
 *
 * <p>Threading: called on Jetty's request threads concurrently; the state is in {@link LoginThrottle}
 * (synchronized) and atomics.
 */
@Component(service = Preprocessor.class)
public class ConsoleGuard implements Preprocessor {

    static final int LOG_INTERVAL_SECONDS = 10;
    /**
     * The request attribute the console sets once it has checked the credentials (its
     * {@code org.apache.felix.webconsole.servlet.User}). Only this counts as a successful login: any answer but
     * 401 would not do, since a path outside the console (404) never checks the password and would reset the
     * delay for a guesser.
     */
    static final String CONSOLE_USER = "org.apache.felix.webconsole.servlet.User";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleGuard.class);

    private final LoginThrottle throttle = new LoginThrottle();
    private final LogBudget csrfLines = new LogBudget();
    private final LogBudget loginLines = new LogBudget();

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        response.setHeader("X-Frame-Options", "SAMEORIGIN");
        response.setHeader("Content-Security-Policy", "frame-ancestors 'self'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");

        String remote = request.getRemoteAddr();
        CrossSiteCheck.Verdict verdict = CrossSiteCheck.check(request.getMethod(), request.getScheme(),
                request.getHeader("Host"), request.getHeader("Origin"), request.getHeader("Referer"),
                request.getHeader("Sec-Fetch-Site"), request.getHeader("User-Agent"));
        if (!verdict.allowed()) {
            refuseCrossSite(request, response, remote, verdict.reason());
            return;
        }

        boolean login = request.getHeader("Authorization") != null;
        if (!login) {
            chain.doFilter(request, response);
            return;
        }
        String source = source(remote);
        long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        long refusedFor = throttle.refusedForMillis(source, now);
        if (refusedFor > 0) {
            long seconds = Math.max(1, (refusedFor + 999) / 1000);
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(seconds));
            plain(response, "429 Too Many Requests: too many failed logins to the web console from your address.\n"
                    + "Try again in " + seconds + " s.\n");
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            int failures = throttle.failed(source, now);
            int held = loginLines.take(now);
            if (held >= 0) {
                LOG.warn("Web console: failed login #{} in a row from {}; its logins are refused for the next {} s "
                        + "(doubling up to {} s, reset by a successful login){}", failures, LogText.escape(remote),
                        LoginThrottle.delayMillis(failures) / 1000, LoginThrottle.MAX_DELAY_SECONDS, heldBack(held));
            }
        } else if (request.getAttribute(CONSOLE_USER) != null) {
            throttle.succeeded(source);
        }
    }

    private void refuseCrossSite(HttpServletRequest request, HttpServletResponse response, String remote,
            String reason) throws IOException {
        int held = csrfLines.take(TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
        if (held >= 0) {
            LOG.warn("Web console: refused {} {} from {} as a possible cross-site request: {}. A page of another "
                    + "site may be using your logged-in browser; a script should send no Origin and no Referer, or "
                    + "this console's own (see README, \"Web console protection\"){}",
                    LogText.escape(request.getMethod()), LogText.escape(request.getRequestURI()),
                    LogText.escape(remote), reason, heldBack(held));
        }
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        plain(response, "403 Forbidden: the web console refused this request as a possible cross-site request "
                + "(CSRF).\n" + reason + ".\n"
                + "From the console's own pages: reload the page and try again.\n"
                + "From a script: send no Origin and no Referer header (curl -u user:password does not), or this "
                + "console's own origin, and no browser User-Agent.\n");
    }

    private static String heldBack(int held) {
        return held == 0 ? "" : " (" + held + " similar lines held back in the last " + LOG_INTERVAL_SECONDS + " s)";
    }

    private static void plain(HttpServletResponse response, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The throttle's key for a remote address as the container gives it (a numeric literal, never looked up). */
    static String source(String remote) {
        if (remote == null || !remote.matches("[0-9A-Fa-f:.\\[\\]]+")) {
            return String.valueOf(remote);
        }
        try {
            return LoginThrottle.source(InetAddress.getByName(remote));
        } catch (UnknownHostException e) {
            return remote;
        }
    }

    /**
     * One log line per {@value #LOG_INTERVAL_SECONDS} s: {@link #take} answers the number of lines held back
     * since the last one written (0 or more), or -1 when this one is to be held back too.
     */
    static final class LogBudget {
        private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
        private final AtomicInteger held = new AtomicInteger();

        int take(long nowMillis) {
            long due = next.get();
            if ((due == Long.MIN_VALUE || nowMillis - due >= 0)
                    && next.compareAndSet(due, nowMillis + TimeUnit.SECONDS.toMillis(LOG_INTERVAL_SECONDS))) {
                return held.getAndSet(0);
            }
            held.incrementAndGet();
            return -1;
        }
    }
}
