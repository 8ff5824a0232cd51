package pnp.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.PhoneSighting;

/**
 * Logs each new phone, one line each up to {@value #LINES_PER_WINDOW} in ten seconds; beyond that (a
 * site's phones booting at once) they are counted and the count is logged when the window ends: ten
 * thousand lines would cost the worker a quarter of its time and bury the rest. What the phone said of
 * itself is escaped ({@link LogText}).
 *
 * <p>Threading: the inventory's worker thread only.
 */
final class HeardPhoneLog {

    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);
    static final int LINES_PER_WINDOW = 20;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final LongSupplier clock;
    private long windowStart;
    private int inWindow;
    private int unlogged;

    HeardPhoneLog() {
        this(System::nanoTime);
    }

    HeardPhoneLog(LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.windowStart = nanoClock.getAsLong() - WINDOW_NANOS - 1;
    }

    void heard(PhoneSighting s) {
        long now = clock.getAsLong();
        if (now - windowStart > WINDOW_NANOS) {
            reportUnlogged();
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow++ < LINES_PER_WINDOW) {
            LOG.info("Phone {} heard: vendor '{}' model '{}' firmware '{}' from {}", s.mac(), LogText.of(s.vendor()),
                    LogText.of(s.model()), LogText.of(s.firmware()), LogText.of(s.sourceAddress()));
        } else {
            unlogged++;
        }
    }

    /** Once a second: reports the phones not logged one by one when their window has ended. */
    void tick() {
        if (unlogged > 0 && clock.getAsLong() - windowStart > WINDOW_NANOS) {
            reportUnlogged();
        }
    }

    private void reportUnlogged() {
        if (unlogged > 0) {
            LOG.info("{} more new phones heard in the last {} s, not logged one by one (the console lists them)",
                    unlogged, TimeUnit.NANOSECONDS.toSeconds(WINDOW_NANOS));
            unlogged = 0;
        }
    }
}
