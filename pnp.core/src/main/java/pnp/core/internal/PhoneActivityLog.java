package pnp.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.MacAddress;

/**
 * The inventory's INFO lines for what happens to phones in a boot storm: a new phone heard, a file
 * downloaded, a bootstrap closed. Each kind is logged line by line up to a number per window; beyond that (a site's phones
 * booting at once) the rest are counted and the count is logged when the window ends: ten thousand lines
 * would cost the worker a quarter of its time and bury the rest. What the phone said of itself is
 * escaped ({@link LogText}).
 *
 * <p>Threading: the inventory's worker thread only.
 */
final class PhoneActivityLog {

    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);
    static final int HEARD_LINES_PER_WINDOW = 20;
    static final int DOWNLOAD_LINES_PER_WINDOW = 10;
    static final int BOOTSTRAP_LINES_PER_WINDOW = 10;

    private final Window heard;
    private final Window downloads;
    private final Window bootstraps;

    PhoneActivityLog() {
        this(System::nanoTime);
    }

    PhoneActivityLog(LongSupplier nanoClock) {
        heard = new Window(nanoClock, HEARD_LINES_PER_WINDOW, TimeUnit.SECONDS.toNanos(10),
                "{} more new phones heard in the last {} s, not logged one by one (the console lists them)");
        downloads = new Window(nanoClock, DOWNLOAD_LINES_PER_WINDOW, TimeUnit.SECONDS.toNanos(1),
                "{} more downloads in the last {} s, not logged one by one (the console lists the phones)");
        bootstraps = new Window(nanoClock, BOOTSTRAP_LINES_PER_WINDOW, TimeUnit.SECONDS.toNanos(10),
                "{} more bootstraps closed in the last {} s, not logged one by one");
    }

    void heard(PhoneSighting s) {
        if (heard.admit()) {
            LOG.info("Phone {} heard: vendor '{}' model '{}' firmware '{}' from {}", s.mac(), LogText.of(s.vendor()),
                    LogText.of(s.model()), LogText.of(s.firmware()), LogText.of(s.sourceAddress()));
        }
    }

    void downloaded(MacAddress mac, Phone.Download d, PhoneState state) {
        if (downloads.admit()) {
            LOG.info("Phone {} downloaded {} over {} from {}: {}", mac, LogText.of(d.file()), d.protocol(),
                    LogText.of(d.address()), state);
        }
    }

    /** The phone's one-shot bootstrap is over: from now on its files need {@code needs}. */
    void bootstrapClosed(MacAddress mac, int downloads, String needs) {
        if (bootstraps.admit()) {
            LOG.info("Phone {}: bootstrap closed after {} download(s); its files now need {}", mac, downloads, needs);
        }
    }

    /** Once a second: reports what was not logged one by one when its window has ended. */
    void tick() {
        heard.tick();
        downloads.tick();
        bootstraps.tick();
    }

    /** Lines of one kind: so many per window, the rest summed up. */
    private static final class Window {
        private final LongSupplier clock;
        private final int lines;
        private final long nanos;
        private final String summary;
        private long start;
        private int inWindow;
        private int unlogged;

        Window(LongSupplier clock, int lines, long nanos, String summary) {
            this.clock = clock;
            this.lines = lines;
            this.nanos = nanos;
            this.summary = summary;
            this.start = clock.getAsLong() - nanos - 1;
        }

        /** Whether this event gets its own line; if not, it is counted for the window's summary. */
        boolean admit() {
            long now = clock.getAsLong();
            if (now - start > nanos) {
                report();
                start = now;
                inWindow = 0;
            }
            if (inWindow++ < lines) {
                return true;
            }
            unlogged++;
            return false;
        }

        void tick() {
            if (unlogged > 0 && clock.getAsLong() - start > nanos) {
                report();
            }
        }

        private void report() {
            if (unlogged > 0) {
                LOG.info(summary, unlogged, TimeUnit.NANOSECONDS.toSeconds(nanos));
                unlogged = 0;
            }
        }
    }
}
