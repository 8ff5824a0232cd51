package pnp.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Assignment;
import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneEvents;
import pnp.api.PhoneState;
import pnp.api.ResyncEvent;
import pnp.api.ResyncOutcome;
import pnp.api.ResyncProgress;
import pnp.api.ResyncRequest;
import pnp.api.SipCredentials;

/**
 * The resyncs of running phones, on the inventory's worker thread: a phone is queued
 * ({@link #queue}), its NOTIFY sent by the best {@link ResyncSenders sender} at the configured rate
 * ({@link #tick}), the answer recorded, and the wait for its download ended by that download
 * ({@link #downloaded}: {@code RESYNCED}) or by the deadline ({@code RESYNC_FAILED}). Every state change
 * goes through the state machine's one step ({@link Phones#enter}).
 *
 * <p>Threading: the worker thread only, but {@link #progress} (any thread).
 */
final class Resyncs {

    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);
    static final String CANNOT_BE_TOLD = "this vendor's phones cannot be told; they converge at boot or periodic check";

    /** What a resync needs of the state machine. */
    interface Phones {
        /** The phone's record, or null when it was forgotten. */
        PhoneRecord record(MacAddress mac);

        Assignment assignment(MacAddress mac);

        /** The profile claiming the phone now, or null. */
        VendorProfiles.ProfileRef claimant(PhoneRecord rec);

        /** What readers see of the phone. */
        Phone snapshot(MacAddress mac);

        /** The state machine's one step (see {@code PhoneStateMachine.enter}). */
        void enter(PhoneRecord rec, PhoneState next, String why, String topic);

        /** Readers see the record as it is now; written with the next flush. */
        void changed(PhoneRecord rec);
    }

    private final Phones phones;
    private final ResyncSenders senders;
    private final Supplier<Inventory.Config> config;
    /** The resyncs' time (due, sent, waits); a test's clock can jump. */
    private final Clock clock;
    /** Runs the answers of the senders on the worker. */
    private final Executor worker;
    private final ResyncQueue queue;
    /** Phones whose resync NOTIFY went out and whose answer or download is awaited. */
    private final Map<MacAddress, Boolean> underWay = new LinkedHashMap<>();
    /** Counts of the current batch. */
    private long batchSent;
    private long batchResynced;
    private long batchFailed;
    /** What readers see of the resyncs; written by the worker. */
    private volatile ResyncProgress progress = ResyncProgress.NONE;

    Resyncs(Phones phones, ResyncSenders senders, Supplier<Inventory.Config> config, Clock clock, Executor worker) {
        this.phones = phones;
        this.senders = senders;
        this.config = config;
        this.clock = clock;
        this.worker = worker;
        this.queue = new ResyncQueue(config.get().resyncPerSecond());
    }

    ResyncProgress progress() {
        return progress;
    }

    void rate(int perSecond) {
        queue.rate(perSecond);
        publishProgress();
    }

    /**
     * After a start: resyncs under way go on. A wait for a download ends when it would have; a NOTIFY
     * queued, or sent and not yet answered when the server stopped, is sent (again).
     */
    void loaded(List<PhoneRecord> loaded) {
        Instant due = clock.instant().plusSeconds(Math.max(0, config.get().resyncDelaySeconds()));
        for (PhoneRecord rec : loaded) {
            if (rec.state == PhoneState.RESYNCING && rec.resyncDeadline != null) {
                underWay.put(rec.mac, Boolean.TRUE);
            } else if (rec.state == PhoneState.RESYNCING) {
                queue.offer(rec.mac, due);
            }
        }
        publishProgress();
    }

    /** Queues the phone's resync NOTIFY, due after {@code delay}; a phone already queued moves to the end. */
    void queue(PhoneRecord rec, String why, Duration delay) {
        Instant now = clock.instant();
        if (queue.size() == 0 && underWay.isEmpty()) {
            batchSent = batchResynced = batchFailed = 0; // a new batch
        }
        underWay.remove(rec.mac); // a newer resync supersedes the one under way
        rec.resyncRequested(now);
        queue.offer(rec.mac, now.plus(delay));
        phones.enter(rec, PhoneState.RESYNCING, why + "; resync queued", null);
        publishProgress();
    }

    /** Sends what is due at the configured rate, and ends the waits that are over. Every 100 ms. */
    void tick() {
        try {
            Instant now = clock.instant();
            if (queue.size() > 0 && senders.best().isPresent()) {
                for (MacAddress mac : queue.poll(now)) {
                    PhoneRecord rec = phones.record(mac);
                    if (rec != null && rec.state == PhoneState.RESYNCING) {
                        send(rec, now);
                    }
                }
            }
            for (Iterator<MacAddress> it = underWay.keySet().iterator(); it.hasNext();) {
                PhoneRecord rec = phones.record(it.next());
                if (rec == null || rec.state != PhoneState.RESYNCING) {
                    it.remove();
                } else if (rec.resyncDeadline != null && !now.isBefore(rec.resyncDeadline)) {
                    it.remove();
                    long waited = Duration.between(rec.resyncSent, rec.resyncDeadline).toSeconds();
                    failed(rec, "NOTIFY accepted, no download within " + Math.max(waited, 1) + " s");
                }
            }
            publishProgress();
        } catch (RuntimeException e) {
            LOG.error("Resync step failed (the next one runs in 100 ms)", e); // the tick must keep running
        }
    }

    private void send(PhoneRecord rec, Instant now) {
        Assignment assignment = phones.assignment(rec.mac);
        VendorProfiles.ProfileRef profile = phones.claimant(rec);
        ResyncSenders.SenderRef sender = senders.best().orElse(null);
        if (assignment == null || profile == null || sender == null) {
            return; // unassigned or unclaimed meanwhile: dispatch has moved it on
        }
        Phone phone = phones.snapshot(rec.mac);
        Optional<ResyncEvent> event;
        try {
            event = profile.profile().resyncEvent(phone);
        } catch (RuntimeException e) {
            LOG.warn("Vendor profile {} failed to name the resync event of phone {}: {}", profile.vendor(), rec.mac,
                    LogText.of(e));
            failed(rec, profile.vendor() + " could not name its resync event: " + e.getMessage());
            return;
        }
        if (event.isEmpty()) {
            failed(rec, CANNOT_BE_TOLD);
            return;
        }
        String host;
        int port;
        if (rec.sighting != null) {
            host = rec.sighting.contactHost();
            port = rec.sighting.contactPort();
        } else {
            host = rec.lastDownload.address();
            port = 5060;
        }
        ResyncRequest request;
        try {
            // the phone answers its challenge with the account in the file it has, not the one it is told to fetch
            request = new ResyncRequest(phone, assignment, event.get(), host, port,
                    rec.phoneCredentials != null ? rec.phoneCredentials : SipCredentials.of(assignment));
        } catch (RuntimeException e) {
            failed(rec, "cannot address the phone: " + e.getMessage());
            return;
        }
        rec.resyncSent = now;
        rec.resyncSender = sender.name();
        batchSent++;
        underWay.put(rec.mac, Boolean.TRUE);
        phones.enter(rec, PhoneState.RESYNCING, "resync NOTIFY (" + event.get().event() + ") sent by " + sender.name()
                + " to " + host + ":" + port, PhoneEvents.RESYNC_SENT);
        MacAddress mac = rec.mac;
        CompletionStage<ResyncOutcome> stage;
        try {
            stage = sender.sender().send(request);
        } catch (RuntimeException e) {
            answered(mac, now, null, e);
            return;
        }
        stage.whenComplete((outcome, failure) -> worker.execute(() -> answered(mac, now, outcome, failure)));
    }

    private void answered(MacAddress mac, Instant sent, ResyncOutcome outcome, Throwable failure) {
        PhoneRecord rec = phones.record(mac);
        if (rec == null || !sent.equals(rec.resyncSent)) {
            return; // forgotten, or a newer resync superseded this one
        }
        if (failure != null || outcome == null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            outcome = ResyncOutcome.notSent(cause == null ? "the sender answered nothing" : String.valueOf(
                    cause.getMessage() != null ? cause.getMessage() : cause.toString()));
        }
        rec.resyncOutcome = outcome.result() + (outcome.detail().isEmpty() ? "" : ": " + outcome.detail());
        if (rec.state != PhoneState.RESYNCING) {
            phones.changed(rec); // it downloaded before the answer came (or rebooted): the answer is only recorded
            return;
        }
        if (outcome.accepted()) {
            int wait = Math.max(1, config.get().resyncWaitSeconds());
            rec.resyncDeadline = clock.instant().plusSeconds(wait);
            phones.enter(rec, PhoneState.RESYNCING, "NOTIFY accepted (" + outcome.detail()
                    + "); waiting for the download, " + wait + " s at most", null);
            return;
        }
        String detail = LogText.of(outcome.detail());
        String why = switch (outcome.result()) {
            case NO_ANSWER -> "no answer" + (detail.isEmpty() ? "" : " (" + detail + ")");
            case DEMANDS_AUTHENTICATION -> "demands authentication" + (detail.isEmpty() ? "" : " (" + detail + ")");
            case REJECTED -> detail.isEmpty() ? "rejected with " + outcome.statusCode() : detail;
            case NOT_SENT -> "not sent" + (detail.isEmpty() ? "" : ": " + detail);
            case ACCEPTED -> throw new IllegalStateException();
        };
        underWay.remove(mac);
        failed(rec, why);
    }

    /** A download of one of the phone's own files, with the bytes of its latest render, while resyncing. */
    void downloaded(PhoneRecord rec, Phone.Download d, boolean bytesChanged) {
        boolean wasQueued = queue.remove(rec.mac);
        underWay.remove(rec.mac);
        if (rec.state == PhoneState.RESYNCING) {
            batchResynced++;
        }
        rec.resyncDownloaded = d.time();
        rec.resyncBytesChanged = bytesChanged;
        rec.resyncDeadline = null;
        rec.resyncReason = "";
        String how = rec.resyncSent == null ? (wasQueued ? " before its NOTIFY was sent" : " on its own") : "";
        phones.enter(rec, PhoneState.RESYNCED, d.file() + " over " + d.protocol() + " by " + d.address() + how
                + (bytesChanged ? " (new content)" : " (same content as before)"), PhoneEvents.RESYNCED);
        publishProgress();
    }

    private void failed(PhoneRecord rec, String why) {
        batchFailed++;
        rec.resyncDeadline = null;
        rec.resyncReason = why;
        phones.enter(rec, PhoneState.RESYNC_FAILED, why, PhoneEvents.RESYNC_FAILED);
        LOG.info("Phone {}: resync failed: {}", rec.mac, LogText.of(why));
        publishProgress();
    }

    private void publishProgress() {
        progress = new ResyncProgress(queue.size(), underWay.size(), batchSent, batchResynced, batchFailed,
                queue.rate());
    }
}
