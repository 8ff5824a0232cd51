package pnp.sip.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per source address: a flood from one host is cut off without slowing the others.
 * Thread-safe.
 */
final class SourceLimiter {

    private final double perSecond;
    private final double burst;
    private final int maxSources;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }

    SourceLimiter(double perSecond, double burst, int maxSources) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.maxSources = maxSources;
    }

    /** Whether one more message from this source may pass now. */
    boolean allow(String source, long nanoTime) {
        if (buckets.size() > maxSources) {
            prune(nanoTime);
        }
        Bucket b = buckets.computeIfAbsent(source, s -> new Bucket(burst, nanoTime));
        synchronized (b) {
            // Threads read the clock before they get here: a reading older than the bucket's adds nothing
            // (and must not move the bucket's time back, which would count the same interval twice).
            if (nanoTime - b.last > 0) {
                b.tokens = Math.min(burst, b.tokens + (nanoTime - b.last) / 1e9 * perSecond);
                b.last = nanoTime;
            }
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** Forgets sources whose buckets have filled up again: they are as good as new. */
    private void prune(long nanoTime) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext();) {
            Bucket b = it.next();
            synchronized (b) {
                if (b.tokens + (nanoTime - b.last) / 1e9 * perSecond >= burst) {
                    it.remove();
                }
            }
        }
    }
}
