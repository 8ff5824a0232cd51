package pnp.core.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * The one-shot bootstrap of a phone: the URL in its NOTIFY fetches its files without HTTP
 * authentication only while the phone is being provisioned, until it has downloaded them and come back
 * once after its reboot (two downloads of its own files), or until the window (counted from its first
 * download) is over, whichever comes first. Then the unauthenticated path is closed: a phone whose
 * vendor supports HTTP credentials must authenticate with those of its file; any other phone is served
 * only at the address it is bound to.
 *
 * <p>No OSGi code, no threads: the state lives in the {@link PhoneRecord} (persisted with it), the worker
 * calls these on its thread, and {@link ServedFiles} checks the resulting {@link Access} on any thread.
 */
final class Bootstrap {

    private Bootstrap() {
    }

    /** Where a phone is in its bootstrap. */
    enum Phase {
        /** Never notified by a version with bootstraps: served by token as before (a fresh phone until its NOTIFY). */
        NONE,
        /**
         * Provisioned by a version before bootstraps (its journal line has no bootstrap): served as then, by
         * its stored token alone, until its next provisioning moves it to the new scheme.
         */
        LEGACY,
        /** Notified: unauthenticated downloads allowed until the phone is through or the window is over. */
        OPEN,
        /** Through: downloads authenticate (or come from the bound address). */
        CLOSED
    }

    /**
     * What the served-file index needs to apply the bootstrap rules (immutable, read by any thread).
     *
     * @param phase the phase
     * @param until when an open bootstrap ends at the latest (null: not counting yet, no download so far)
     * @param from the only address an open bootstrap serves, empty: any requester with the token
     * @param bound the address the phone is bound to (where a phone without credentials is served after its
     *        bootstrap)
     */
    record Access(Phase phase, Instant until, String from, String bound) {
        static final Access UNRESTRICTED = new Access(Phase.NONE, null, "", "");

        /** Whether unauthenticated downloads are still allowed at {@code now}. */
        boolean open(Instant now) {
            return phase == Phase.OPEN && (until == null || now.isBefore(until));
        }

        /** Whether the bootstrap is over at {@code now} (closed, or open with its window over). */
        boolean over(Instant now) {
            return phase == Phase.CLOSED || (phase == Phase.OPEN && !open(now));
        }
    }

    /** Opens a new bootstrap window (at a NOTIFY that provisions the phone). */
    static void open(PhoneRecord rec, String from) {
        rec.bootstrap = Phase.OPEN;
        rec.bootstrapFirstDownload = null;
        rec.bootstrapDownloads = 0;
        rec.bootstrapFrom = from == null ? "" : from;
    }

    /**
     * Counts one download of the phone's own files.
     *
     * @return whether this download closed the bootstrap
     */
    static boolean downloaded(PhoneRecord rec, Instant at, Duration window) {
        if (rec.bootstrap != Phase.OPEN) {
            return false;
        }
        if (rec.bootstrapFirstDownload == null) {
            rec.bootstrapFirstDownload = at;
        }
        rec.bootstrapDownloads++;
        if (rec.bootstrapDownloads >= 2 || !at.isBefore(rec.bootstrapFirstDownload.plus(window))) {
            rec.bootstrap = Phase.CLOSED;
            return true;
        }
        return false;
    }

    /** Closes an open bootstrap whose window is over (kept as it was otherwise). */
    static boolean expire(PhoneRecord rec, Instant now, Duration window) {
        if (rec.bootstrap == Phase.OPEN && rec.bootstrapFirstDownload != null
                && !now.isBefore(rec.bootstrapFirstDownload.plus(window))) {
            rec.bootstrap = Phase.CLOSED;
            return true;
        }
        return false;
    }

    static Access access(PhoneRecord rec, Duration window) {
        Instant until = rec.bootstrapFirstDownload == null ? null : rec.bootstrapFirstDownload.plus(window);
        String bound = rec.sighting == null ? "" : rec.sighting.sourceAddress();
        return new Access(rec.bootstrap, until, rec.bootstrapFrom, bound);
    }
}
