package pnp.sip.internal;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The one rule for sweeping the time-limited maps of pnp.sip. */
final class Sweep {

    private Sweep() {
    }

    /** Whether this thread sweeps the map now: only when it is large, at most once a second, by one thread. */
    static boolean due(Map<?, ?> map, AtomicLong lastSweep, long now) {
        long last = lastSweep.get();
        return map.size() >= 4096 && now - last >= TimeUnit.SECONDS.toNanos(1) && lastSweep.compareAndSet(last, now);
    }
}
