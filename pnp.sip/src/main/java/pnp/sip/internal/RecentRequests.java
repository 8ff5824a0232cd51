package pnp.sip.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests answered in the last 32 s (Timer F: a retransmission comes within it), by Call-ID, CSeq number
 * and source, so that a retransmission is answered again, with the same To tag, but not counted again.
 * Lives as long as the component. Thread-safe.
 */
final class RecentRequests {

    private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(32);
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());
    /** Makes our tags differ between runs of the server, so a phone does not mistake a new dialog for an old one. */
    private final long salt = System.nanoTime() & 0xffff;

    static String key(String callId, long cseq, String source) {
        return callId + "\u0000" + cseq + "\u0000" + source;
    }

    /** Our To tag for the request: the same for every retransmission of it. */
    String tagFor(String key) {
        return Long.toHexString(key.hashCode() & 0xffffffffL) + Long.toHexString(salt);
    }

    /** Records the request; true when it was already answered (a retransmission). */
    boolean seenBefore(String key) {
        long now = System.nanoTime();
        boolean seenBefore = seen.putIfAbsent(key, now) != null;
        if (!seenBefore && Sweep.due(seen, lastSweep, now)) {
            long cutoff = now - KEEP_NANOS;
            seen.values().removeIf(t -> t - cutoff < 0);
        }
        return seenBefore;
    }
}
