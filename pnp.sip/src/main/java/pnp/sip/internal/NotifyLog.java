package pnp.sip.internal;

import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;

/**
 * One INFO line per NOTIFY sent and per outcome (answered, or failed with the reason), so an admin sees
 * each phone being told where its file is; in a boot storm at most {@value #LINES_PER_SECOND} such lines a
 * second, the rest counted and summed up in one line a second ({@link #flush}). Thread-safe.
 */
final class NotifyLog {

    static final int LINES_PER_SECOND = 5;
    private static final int MAX_REASONS = 8;
    private final Logger log;
    private long windowStart = System.nanoTime();
    private int linesInWindow;
    private int sent;
    private int accepted;
    private int failed;
    private int superseded;
    private final Map<String, Integer> reasons = new TreeMap<>();

    NotifyLog() {
        this(LoggerFactory.getLogger(NotifyLog.class));
    }

    NotifyLog(Logger log) {
        this.log = log;
    }

    synchronized void sent(PhoneSighting to) {
        if (admit()) {
            log.info("NOTIFY sent to phone {} at {}:{}", to.mac(), to.contactHost(), to.contactPort());
        } else {
            sent++;
        }
    }

    /** A NOTIFY that ended unanswered because the phone SUBSCRIBEd again from elsewhere: not a failure. */
    synchronized void superseded(PhoneSighting to, String detail) {
        if (admit()) {
            log.info("NOTIFY to phone {} at {}:{} {}", to.mac(), to.contactHost(), to.contactPort(), LogText.of(detail));
        } else {
            superseded++;
        }
    }

    synchronized void outcome(PhoneSighting to, NotifyOutcome outcome) {
        String detail = LogText.of(outcome.detail());
        if (admit()) {
            if (outcome.accepted()) {
                log.info("NOTIFY to phone {} answered {}", to.mac(), detail);
            } else {
                log.info("NOTIFY to phone {} failed: {}", to.mac(), detail);
            }
        } else if (outcome.accepted()) {
            accepted++;
        } else {
            failed++;
            String reason = outcome.statusCode() > 0 ? Integer.toString(outcome.statusCode()) : detail;
            if (reasons.size() < MAX_REASONS || reasons.containsKey(reason)) {
                reasons.merge(reason, 1, Integer::sum);
            } else {
                reasons.merge("other", 1, Integer::sum);
            }
        }
    }

    /** Writes the summary of what was counted instead of logged, if anything; called once a second. */
    synchronized void flush() {
        if (sent + accepted + failed + superseded == 0) {
            return;
        }
        log.info("NOTIFYs not logged one by one: {} sent, {} answered 2xx, {} failed{}{}", sent, accepted, failed,
                reasons.isEmpty() ? "" : " " + reasons,
                superseded == 0 ? "" : ", " + superseded + " superseded by a newer SUBSCRIBE");
        superseded = 0;
        sent = 0;
        accepted = 0;
        failed = 0;
        reasons.clear();
    }

    private boolean admit() {
        long now = System.nanoTime();
        if (now - windowStart >= 1_000_000_000L) {
            windowStart = now;
            linesInWindow = 0;
        }
        return ++linesInWindow <= LINES_PER_SECOND;
    }
}
