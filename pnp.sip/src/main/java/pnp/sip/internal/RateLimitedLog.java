package pnp.sip.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/** Logs at most one line per interval and says how many were left out, so a flood cannot fill the log. */
final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    void warn(String format, Object... args) {
        long now = System.nanoTime();
        long n = next.get();
        if ((n == Long.MIN_VALUE || now - n >= 0) && next.compareAndSet(n, now + intervalNanos)) {
            long left = suppressed.getAndSet(0);
            log.warn(left == 0 ? format : format + " (" + left + " similar messages suppressed)", args);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
