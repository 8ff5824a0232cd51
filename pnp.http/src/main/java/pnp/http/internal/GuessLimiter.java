package pnp.http.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Limits wrong guesses (unknown tokens and files, wrong credentials) per source address: a bucket of
 * {@code burst} guesses that refills one guess every {@code refillNanos}. While a source's bucket is
 * empty, all its requests for phone files are refused with the same answer as a wrong guess, right or
 * wrong, so that guessing from one address costs time and the answer tells nothing.
 *
 * <p>A phone never guesses: it has its token, and its first request without credentials is the normal
 * first step of an authentication exchange, not counted.
 *
 * <p>Threading: safe from any thread, never blocks. Memory is bounded: past {@value #MAX_SOURCES}
 * sources the table is cleared.
 */
final class GuessLimiter {

    static final int MAX_SOURCES = 4096;
    /** Twenty wrong guesses at once, then one every three seconds (20 a minute). */
    static final int DEFAULT_BURST = 20;
    static final long DEFAULT_REFILL_NANOS = 3_000_000_000L;

    private final int burst;
    private final long refillNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<InetAddress, long[]> spent = new ConcurrentHashMap<>();

    GuessLimiter(int burst, long refillNanos, LongSupplier nanoTime) {
        this.burst = burst;
        this.refillNanos = refillNanos;
        this.nanoTime = nanoTime;
    }

    static GuessLimiter defaults() {
        return new GuessLimiter(DEFAULT_BURST, DEFAULT_REFILL_NANOS, System::nanoTime);
    }

    /** A limiter that never limits (tests that are about other things). */
    static GuessLimiter off() {
        return new GuessLimiter(Integer.MAX_VALUE, 1, System::nanoTime);
    }

    /** Whether the source has no guess left now. */
    boolean exhausted(InetAddress source) {
        if (source == null) {
            return false;
        }
        long[] s = spent.get(source);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return level(s) >= burst;
        }
    }

    /** Counts one wrong guess of the source. */
    void wrong(InetAddress source) {
        if (source == null) {
            return;
        }
        if (spent.size() > MAX_SOURCES) {
            spent.clear();
        }
        long[] s = spent.computeIfAbsent(source, k -> new long[] { 0, nanoTime.getAsLong() });
        synchronized (s) {
            s[0] = Math.min((long) burst, level(s) + 1);
        }
    }

    /** The guesses spent (s[0]) after refilling up to now since s[1]; updates both. */
    private long level(long[] s) {
        long now = nanoTime.getAsLong();
        long regained = (now - s[1]) / refillNanos;
        if (regained > 0) {
            s[0] = Math.max(0, s[0] - regained);
            s[1] += regained * refillNanos;
        }
        if (s[0] == 0) {
            s[1] = now;
        }
        return s[0];
    }
}
