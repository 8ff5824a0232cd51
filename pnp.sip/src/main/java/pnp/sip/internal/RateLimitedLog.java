package pnp.sip.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Log lines a flood cannot multiply. {@link #warn(String, Object...)}: at most one line per interval.
 * {@link #warnOnce(String, String, Object...)}: at most one line per interval and key (e.g. source and cause),
 * and at most {@value #LINES_PER_INTERVAL} such lines per interval in all, so that many forged sources
 * cannot multiply them either. Each line says how many were left out. Thread-safe.
 */
final class RateLimitedLog {

    static final int LINES_PER_INTERVAL = 20;
    private static final int MAX_KEYS = 1024;
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();
    private final Map<String, Long> nextByKey = new ConcurrentHashMap<>();
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong linesInWindow = new AtomicLong();

    RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    void warn(String format, Object... args) {
        long now = System.nanoTime();
        long n = next.get();
        if ((n == Long.MIN_VALUE || now - n >= 0) && next.compareAndSet(n, now + intervalNanos)) {
            write(format, args);
        } else {
            suppressed.incrementAndGet();
        }
    }

    void warnOnce(String key, String format, Object... args) {
        long now = System.nanoTime();
        Long n = nextByKey.get(key);
        if (n != null && now - n < 0) {
            suppressed.incrementAndGet();
            return;
        }
        if (nextByKey.size() >= MAX_KEYS) {
            nextByKey.clear();
        }
        nextByKey.put(key, now + intervalNanos);
        long start = windowStart.get();
        if (now - start >= intervalNanos && windowStart.compareAndSet(start, now)) {
            linesInWindow.set(0);
        }
        if (linesInWindow.incrementAndGet() > LINES_PER_INTERVAL) {
            suppressed.incrementAndGet();
            return;
        }
        write(format, args);
    }

    private void write(String format, Object... args) {
        long left = suppressed.getAndSet(0);
        log.warn(left == 0 ? format : format + " (" + left + " similar messages suppressed)", args);
    }
}
