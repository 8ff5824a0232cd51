package pnp.http.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused requests (404, 400) so that someone scanning for tokens is visible to an admin but
 * cannot flood the log: every refusal at DEBUG, and at most one INFO line per source address per
 * {@linkplain #WINDOW_NANOS minute}, which also tells how many refusals were not logged at INFO
 * since the previous one.
 *
 * <p>Threading: safe from any thread; never blocks beyond the logger. Memory is bounded: past
 * {@value #MAX_SOURCES} sources the table is cleared (the worst outcome is one extra INFO line per
 * source).
 */
final class ProbeLog {

    static final long WINDOW_NANOS = 60_000_000_000L;
    static final int MAX_SOURCES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(ProbeLog.class);

    private final ConcurrentHashMap<InetAddress, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final Logger log;

    ProbeLog() {
        this(System::nanoTime, LOG);
    }

    ProbeLog(LongSupplier nanoTime, Logger log) {
        this.nanoTime = nanoTime;
        this.log = log;
    }

    /** The refusals seen from one source since its last INFO line. */
    private static final class Window {
        final long startNanos;
        final AtomicInteger suppressed = new AtomicInteger();

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    /**
     * Records one refused request.
     *
     * @param source the requester, may be {@code null} when unknown
     * @param status the status answered
     * @param path the raw path (already checked to be free of control characters, or not logged at INFO)
     * @param reason why, for the admin only
     */
    void refused(InetAddress source, int status, String path, String reason) {
        if (log.isDebugEnabled()) {
            log.debug("HTTP {} for {} from {}: {}", status, printable(path), source, reason);
        }
        if (source == null || !log.isInfoEnabled()) {
            return;
        }
        long now = nanoTime.getAsLong();
        Window w = windows.get(source);
        if (w != null && now - w.startNanos < WINDOW_NANOS) {
            w.suppressed.incrementAndGet();
            return;
        }
        Window fresh = new Window(now);
        boolean mine = w == null ? windows.putIfAbsent(source, fresh) == null : windows.replace(source, w, fresh);
        if (!mine) {
            Window other = windows.get(source);
            if (other != null) {
                other.suppressed.incrementAndGet();
            }
            return;
        }
        if (windows.size() > MAX_SOURCES) {
            windows.clear();
        }
        int before = w == null ? 0 : w.suppressed.get();
        log.info("HTTP {} for {} from {}: {}{}", status, printable(path), source.getHostAddress(), reason,
                before == 0 ? "" : " (" + before + " more refusals from this address in the last minute)");
    }

    /** The path with anything but printable ASCII replaced, capped, so a log line stays one line. */
    static String printable(String path) {
        if (path == null) {
            return "(none)";
        }
        int n = Math.min(path.length(), 120);
        StringBuilder b = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = path.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (path.length() > n) {
            b.append("...");
        }
        return b.toString();
    }
}
