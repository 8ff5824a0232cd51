package pnp.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Assignment;
import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneEvents;
import pnp.api.PhoneNotifier;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.ProvisioningFile;
import pnp.api.Rendering;
import pnp.api.ResyncProgress;
import pnp.api.SipCredentials;

/**
 * The phones and their state machine, on one worker thread: what was heard of each phone, which
 * profile claims it, its assignment, its files, its NOTIFY and downloads (see the README's Design
 * section for the states). No OSGi code: {@link Inventory} is the component around it.
 *
 * <p>Threading: the public face ({@link #sighted}, {@link #assign}, ...) may be called from any thread
 * and only queues work for the worker, which does every change of state in the order it was asked
 * for, so no phone is ever dispatched twice at once. The worker never waits: what must be on disk
 * before a NOTIFY goes out is queued, and the NOTIFY follows once written ({@link RecordWriter#whenSaved}).
 * Resyncs of running phones are {@link Resyncs}. Readers ({@link #phones()}, {@link #phone}) see immutable
 * snapshots published by the worker.
 */
final class PhoneStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);
    private static final int STARTUP_GRACE_SECONDS = 10;

    private final ScheduledExecutorService worker = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "pnp-inventory");
        t.setDaemon(true);
        return t;
    });
    private final VendorProfiles profiles;
    private final ServedFiles served;
    private final Supplier<PhoneNotifier> notifier;
    private final PhoneEventPoster events;
    private final RecordWriter writer;
    private final PhoneFileRenderer renderer;
    /** Worker thread only. */
    private final Map<MacAddress, PhoneRecord> records = new ConcurrentHashMap<>();
    /** What readers see: written by the worker, read by anyone. */
    private final Map<MacAddress, Phone> snapshots = new ConcurrentHashMap<>();
    /** Pending re-provisioning requests as readers see them: written by the worker, read by anyone. */
    private final Map<MacAddress, pnp.api.Reask> reasks = new ConcurrentHashMap<>();
    /** Worker thread only. */
    private final AssignmentTable assignments = new AssignmentTable();
    private final PhoneActivityLog activityLog = new PhoneActivityLog();
    /** Worker thread only. */
    private final UnassignedPhoneBounds bounds = new UnassignedPhoneBounds();
    /**
     * Until then, profiles and assignments are still arriving after a start: a phone that seems
     * unclaimed or unassigned keeps its persisted state. Worker thread only.
     */
    private Instant settledAt = Instant.MAX;
    private volatile Inventory.Config config;
    private final Resyncs resyncs;

    /**
     * @param phonesDirectory where the phone records are kept
     */
    PhoneStateMachine(Path phonesDirectory, Inventory.Config config, VendorProfiles profiles, ProvisioningUrls urls,
            ServedFiles served, Supplier<PhoneNotifier> notifier, PhoneEventPoster events, ResyncSenders senders,
            Clock clock) throws IOException {
        this.config = config;
        this.resyncs = new Resyncs(new Resyncs.Phones() {
            @Override
            public PhoneRecord record(MacAddress mac) {
                return records.get(mac);
            }

            @Override
            public Assignment assignment(MacAddress mac) {
                return assignments.get(mac);
            }

            @Override
            public VendorProfiles.ProfileRef claimant(PhoneRecord rec) {
                return profiles.rank(rec.mac, rec.sighting).winner();
            }

            @Override
            public Phone snapshot(MacAddress mac) {
                return snapshots.get(mac);
            }

            @Override
            public void enter(PhoneRecord rec, PhoneState next, String why, String topic) {
                PhoneStateMachine.this.enter(rec, next, why, topic);
            }

            @Override
            public void changed(PhoneRecord rec) {
                PhoneStateMachine.this.changed(rec);
            }
        }, senders, () -> this.config, clock, worker);
        this.profiles = profiles;
        this.served = served;
        this.notifier = notifier;
        this.events = events;
        this.writer = new RecordWriter(new PhoneRecordStore(phonesDirectory), worker, records::get);
        this.renderer = new PhoneFileRenderer(urls, served);
    }

    /** Loads the records and starts the flushes and the start-up grace. */
    void start() {
        worker.execute(this::load);
        worker.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
        worker.scheduleWithFixedDelay(resyncs::tick, 100, 100, TimeUnit.MILLISECONDS);
        worker.schedule(() -> {
            settledAt = Instant.now();
            redispatchAll();
        }, STARTUP_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** Writes what is unsaved and stops; false when that took longer than 10 s. */
    boolean stop() throws InterruptedException {
        worker.execute(this::flush);
        // the start-up grace's delayed re-dispatch must not hold the stop back up to 10 s
        ((ScheduledThreadPoolExecutor) worker).setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        worker.shutdown();
        boolean stopped = worker.awaitTermination(10, TimeUnit.SECONDS);
        return writer.close(10, TimeUnit.SECONDS) && stopped;
    }

    void configure(Inventory.Config config) {
        this.config = config;
        worker.execute(() -> {
            resyncs.rate(config.resyncPerSecond());
            redispatchAll();
        });
    }

    /** A profile came or went: every phone is offered to the profiles again. */
    void profilesChanged() {
        worker.execute(this::redispatchAll);
    }

    void sighted(PhoneSighting sighting) {
        worker.execute(() -> onSighting(sighting));
    }

    /** @param digest a digest of the bytes served */
    void downloaded(MacAddress mac, Phone.Download d, String digest) {
        worker.execute(() -> {
            onDownload(mac, d, digest);
            PhoneRecord rec = records.get(mac);
            if (rec != null) {
                activityLog.downloaded(mac, d, rec.state);
            }
        });
    }

    void assign(String pid, Assignment a, String source) {
        worker.execute(() -> putAssignment(pid, a, source));
    }

    void unassign(String pid) {
        worker.execute(() -> removeAssignment(pid));
    }

    List<Phone> phones() {
        List<Phone> list = new ArrayList<>(snapshots.values());
        list.sort(Comparator.comparing(Phone::mac));
        return list;
    }

    Optional<Phone> phone(MacAddress mac) {
        return Optional.ofNullable(snapshots.get(mac));
    }

    boolean renotify(MacAddress mac) {
        Phone p = snapshots.get(mac);
        if (p == null || p.lastSighting() == null || !p.assigned() || p.profile().isEmpty()) {
            return false;
        }
        worker.execute(() -> {
            PhoneRecord rec = records.get(mac);
            if (rec != null) {
                rec.notifiedAt = null;
                dispatch(rec, true);
            }
        });
        return true;
    }

    /** See {@link pnp.api.PhoneInventory#resync}. */
    boolean resync(MacAddress mac) {
        Phone p = snapshots.get(mac);
        if (p == null || !p.assigned() || p.profile().isEmpty() || p.lastDownload() == null
                || p.state() == PhoneState.FAILED) {
            return false;
        }
        worker.execute(() -> {
            PhoneRecord rec = records.get(mac);
            if (rec != null && assignments.has(mac) && !rec.profile.isEmpty() && rec.lastDownload != null) {
                resyncs.queue(rec, "resync asked for", Duration.ZERO);
            }
        });
        return true;
    }

    ResyncProgress resyncProgress() {
        return resyncs.progress();
    }

    Optional<pnp.api.Reask> reask(MacAddress mac) {
        return Optional.ofNullable(reasks.get(mac));
    }

    /** See {@link pnp.api.PhoneInventory#approveReask}. */
    boolean approveReask(MacAddress mac) {
        if (!reasks.containsKey(mac)) {
            return false;
        }
        worker.execute(() -> onApprove(mac));
        return true;
    }

    boolean ignoreReask(MacAddress mac) {
        if (!reasks.containsKey(mac)) {
            return false;
        }
        worker.execute(() -> {
            PhoneRecord rec = records.get(mac);
            if (rec != null && rec.reask != null) {
                LOG.info("Phone {}: request to be provisioned again from {} ignored", mac,
                        LogText.of(rec.reask.sourceAddress()));
                rec.reask = null;
                rec.reaskWhy = "";
                changed(rec);
            }
        });
        return true;
    }

    /** See {@link pnp.api.PhoneInventory#rotateSecrets}. */
    boolean rotateSecrets(MacAddress mac) {
        Phone p = snapshots.get(mac);
        if (p == null || p.lastSighting() == null || !p.assigned() || p.profile().isEmpty()) {
            return false;
        }
        worker.execute(() -> {
            PhoneRecord rec = records.get(mac);
            if (rec == null || rec.sighting == null) {
                return;
            }
            renderer.rotateSecrets(rec);
            Bootstrap.open(rec, rec.sighting.sourceAddress());
            LOG.info("Phone {}: URL token and HTTP credentials replaced; notifying it at {} (bootstrap open to that "
                    + "address only)", mac, LogText.of(rec.sighting.sourceAddress()));
            dispatch(rec, true);
        });
        return true;
    }

    boolean forget(MacAddress mac) {
        if (!snapshots.containsKey(mac)) {
            return false;
        }
        worker.execute(() -> {
            if (records.containsKey(mac)) {
                drop(mac);
                LOG.info("Phone {} forgotten", mac);
                if (assignments.has(mac)) {
                    dispatch(recordOf(mac), false);
                }
            }
        });
        return true;
    }

    // ---- worker thread ----

    private void load() {
        List<PhoneRecord> loaded = writer.load();
        for (PhoneRecord rec : loaded) {
            Bootstrap.expire(rec, Instant.now(), window());
            records.put(rec.mac, rec);
            if (rec.sighting != null) {
                bounds.heard(rec.mac, null, rec.sighting.sourceAddress());
            }
            publishSnapshot(rec);
        }
        LOG.info("Loaded {} phones from {}", loaded.size(), writer.where());
        resyncs.loaded(loaded);
        redispatchAll();
    }

    private void onSighting(PhoneSighting s) {
        PhoneRecord rec = records.get(s.mac());
        boolean fresh = rec == null || rec.sighting == null;
        PhoneSighting before = fresh ? null : rec.sighting;
        if (rec == null) {
            rec = recordOf(s.mac());
        }
        Bootstrap.expire(rec, s.time(), window());
        PhoneBinding.Judgement judged = PhoneBinding.judge(rec, s, config.reprovisionOwnAddress());
        if (judged.verdict() == PhoneBinding.Verdict.REASK) {
            reask(rec, s, judged.why());
            return;
        }
        if (judged.verdict() == PhoneBinding.Verdict.REPROVISION && !rec.notifyPending
                && !recentlyNotified(rec, s.time())) {
            // A factory reset (or a reboot) of the bound phone: a new bootstrap, only to the address it is bound to.
            Bootstrap.open(rec, s.sourceAddress());
            LOG.info("Phone {} asks to be provisioned again from its own address {}: bootstrap open to it",
                    s.mac(), LogText.of(s.sourceAddress()));
        }
        bounds.heard(rec.mac, rec.sighting == null ? null : rec.sighting.sourceAddress(), s.sourceAddress());
        rec.sighting = s;
        rec.sightings++;
        if (rec.firstSeen == null) {
            rec.firstSeen = s.time();
        }
        if (fresh) {
            activityLog.heard(s);
            events.post(PhoneEvents.DISCOVERED, rec);
        }
        if (rec.notifyPending && before != null && !sameContact(before, s)) {
            // It rebooted while its NOTIFY was on its way and listens elsewhere now: pnp.sip ends that NOTIFY
            // as superseded, and the phone is notified again where it listens.
            rec.notifyAgain = true;
        }
        if (rec.notifyPending || recentlyNotified(rec, s.time())) {
            changed(rec);
        } else {
            dispatch(rec, true);
        }
        if (fresh && !assignments.has(rec.mac)) {
            keepBounded(rec);
        }
    }

    private static boolean sameContact(PhoneSighting a, PhoneSighting b) {
        return a.contactHost().equals(b.contactHost()) && a.contactPort() == b.contactPort();
    }

    /**
     * A SUBSCRIBE the phone's binding does not accept: no NOTIFY, nothing moves (its sighting stays), the
     * request waits for the admin. Logged once per asking address.
     */
    private void reask(PhoneRecord rec, PhoneSighting s, String why) {
        boolean newAsker = rec.reask == null || !rec.reask.sourceAddress().equals(s.sourceAddress());
        rec.reask = s;
        rec.reaskWhy = why;
        rec.sightings++;
        if (newAsker) {
            LOG.warn("Phone {} {}: not provisioned ({}); approve or ignore it on the Phones page", rec.mac,
                    LogText.of(reaskOf(rec).summary()), LogText.of(why));
            events.post(PhoneEvents.DISCOVERED, rec);
        }
        changed(rec);
    }

    private static pnp.api.Reask reaskOf(PhoneRecord rec) {
        PhoneSighting r = rec.reask;
        PhoneSighting was = rec.sighting;
        return new pnp.api.Reask(rec.mac, r.sourceAddress(), r.model(), r.contactHost(),
                was == null ? "" : was.sourceAddress(), was == null ? "" : was.model(), rec.reaskWhy, r.time());
    }

    private void onApprove(MacAddress mac) {
        PhoneRecord rec = records.get(mac);
        if (rec == null || rec.reask == null) {
            return;
        }
        PhoneSighting asker = rec.reask;
        String was = rec.sighting == null ? "" : rec.sighting.sourceAddress();
        rec.reask = null;
        rec.reaskWhy = "";
        rec.sighting = asker;
        renderer.rotateSecrets(rec);
        Bootstrap.open(rec, asker.sourceAddress());
        LOG.info("Phone {}: provisioning from {} approved (was {}); URL token and HTTP credentials replaced", mac,
                LogText.of(asker.sourceAddress()), LogText.of(was));
        dispatch(rec, true);
    }

    private java.time.Duration window() {
        return java.time.Duration.ofMinutes(Math.max(1, config.bootstrapWindowMinutes()));
    }

    private boolean recentlyNotified(PhoneRecord rec, Instant now) {
        return rec.notifiedAt != null
                && Duration.between(rec.notifiedAt, now).getSeconds() < config.renotifyAfterSeconds()
                && rec.state.compareTo(PhoneState.NOTIFIED) >= 0 && rec.state != PhoneState.FAILED;
    }

    private void redispatchAll() {
        for (PhoneRecord rec : List.copyOf(records.values())) {
            dispatch(rec, false);
        }
    }

    /**
     * Brings one phone up to date: who claims it, whether it is assigned, its files, and (when it
     * was heard and {@code forceNotify} or it has not been notified yet) its NOTIFY.
     */
    private void dispatch(PhoneRecord rec, boolean forceNotify) {
        Instant now = Instant.now();
        Assignment assignment = assignments.get(rec.mac);
        VendorProfiles.Ranking ranking = profiles.rank(rec.mac, rec.sighting);
        boolean settling = now.isBefore(settledAt);
        boolean profileMayArrive = ranking.winner() == null && !profiles.arrivedSinceStart(rec.profile);
        if (settling && (profileMayArrive || assignment == null) && rec.state.compareTo(PhoneState.ASSIGNED) >= 0
                && rec.state != PhoneState.FAILED) {
            return; // its profile or assignment has not arrived yet since the start
        }
        if (ranking.winner() == null) {
            renderer.unpublish(rec);
            boolean was = !rec.profile.isEmpty();
            rec.profile = "";
            rec.claimReason = ranking.reason();
            if (rec.sighting == null) {
                enter(rec, PhoneState.EXPECTED, "assigned; waiting for the phone to boot", null);
            } else if (rec.state != PhoneState.UNCLAIMED || was) {
                enter(rec, PhoneState.UNCLAIMED, rec.claimReason + bounds.note(rec.sighting.sourceAddress()),
                        PhoneEvents.UNCLAIMED);
            }
            changed(rec);
            return;
        }
        VendorProfiles.ProfileRef profile = ranking.winner();
        if (!profile.vendor().equals(rec.profile)) {
            rec.profile = profile.vendor();
            rec.claimReason = ranking.reason();
            if (rec.sighting != null) {
                enter(rec, PhoneState.CLAIMED, "claimed by " + rec.profile + ": " + rec.claimReason,
                        PhoneEvents.CLAIMED);
            }
        }
        if (assignment == null) {
            renderer.unpublish(rec);
            if (rec.sighting != null) {
                enter(rec, PhoneState.CLAIMED, "no assignment yet" + bounds.note(rec.sighting.sourceAddress()), null);
            }
            changed(rec);
            return;
        }
        if (rec.sighting == null) {
            // Secrets are made now and saved in the background, so that the phone's boot does not wait for a write.
            renderer.ensureSecrets(rec, PhoneFileRenderer.authentication(config.httpAuthentication()));
            enter(rec, PhoneState.EXPECTED, "assigned; waiting for the phone to boot", null);
            return;
        }
        if (forceNotify && rec.bootstrap == Bootstrap.Phase.LEGACY) {
            // Served by an older version: its next provisioning moves it to bootstraps and its own credentials.
            rec.bootstrap = Bootstrap.Phase.NONE;
        }
        if (rec.bootstrap == Bootstrap.Phase.NONE) {
            Bootstrap.open(rec, ""); // the NOTIFY that follows the render hands out the URL
        }
        Rendering rendering;
        long revisionBefore = rec.revision;
        try {
            rendering = renderer.render(rec, profile, assignment,
                    PhoneFileRenderer.authentication(config.httpAuthentication()), config.httpPort());
        } catch (RuntimeException e) {
            renderer.unpublish(rec);
            enter(rec, PhoneState.FAILED, profile.vendor() + " could not render the files: " + e.getMessage(),
                    PhoneEvents.FAILED);
            LOG.warn("Phone {}: {}", rec.mac, LogText.of(rec.reason));
            return;
        }
        String filesBefore = rec.filesDigest;
        List<String> digests = rec.unpublished.digests(); // of rendering's files, in their order
        rec.filesDigest = filesDigest(rendering, digests);
        rendered(rec, assignment, rendering, digests);
        if (!forceNotify && rec.running()) {
            // Running with files it fetched: a NOTIFY with its URL would go to a phone no longer listening for
            // one. If what it would download now differs from what it has, it is told to fetch it again.
            // (A record from before resyncs has no digest yet: nothing to compare, nothing sent.)
            if (!filesBefore.isEmpty() && !filesBefore.equals(rec.filesDigest)) {
                resyncs.queue(rec, "files changed (revision " + rec.revision + ")",
                        Duration.ofSeconds(Math.max(0, config.resyncDelaySeconds())));
            } else if (!isRunningState(rec.state)) {
                // claimed again (its vendor bundle came back) with the files it has
                enter(rec, rec.downloads >= 2 ? PhoneState.PROVISIONED : PhoneState.DOWNLOADED,
                        "files unchanged since its last download", null);
            }
            changed(rec);
            publishWhenSaved(rec, null);
            return;
        }
        boolean served = rec.state == PhoneState.NOTIFIED || isRunningState(rec.state);
        boolean changed = rec.revision != revisionBefore;
        if (!served || changed) {
            enter(rec, PhoneState.ASSIGNED, "files generated (revision " + rec.revision + ")", PhoneEvents.ASSIGNED);
        }
        changed(rec);
        if (!(forceNotify || !served || changed)) {
            publishWhenSaved(rec, null);
            return;
        }
        if (rec.notifyPending) {
            // One NOTIFY is still on its way (retransmitted until answered, up to 32 s): a second would carry
            // the same dialog and CSeq. It points at the files just published; if they changed (or a new one
            // was asked for), notify again once it is over.
            rec.notifyAgain |= changed || forceNotify;
            publishWhenSaved(rec, null);
            return;
        }
        publishWhenSaved(rec, rendering);
    }

    /**
     * Serves the latest render, and sends its NOTIFY when {@code notifyWith} is given, once the record they
     * come from is on disk (at once when it already is): a kill -9 must not lose a token, password or
     * bootstrap a phone was given. The phones rendered while the store thread writes are written together
     * in its next append, so the worker never waits for the disk.
     */
    private void publishWhenSaved(PhoneRecord rec, Rendering notifyWith) {
        if (notifyWith != null) {
            rec.notifyPending = true; // from now: a SUBSCRIBE heard before it goes out does not send another
        }
        writer.whenSaved(rec, failure -> {
            if (records.get(rec.mac) != rec) {
                return; // forgotten meanwhile
            }
            if (failure != null) {
                renderer.unpublish(rec);
                rec.notifyPending = false;
                enter(rec, PhoneState.FAILED, "its record could not be saved (" + failure.getMessage()
                        + "): files not served, NOTIFY not sent", PhoneEvents.FAILED);
                LOG.warn("Phone {}: {}", rec.mac, LogText.of(rec.reason));
                return;
            }
            renderer.publish(rec, window());
            if (notifyWith != null) {
                rec.notifyPending = false;
                sendNotify(rec, notifyWith);
            }
        });
    }

    private void sendNotify(PhoneRecord rec, Rendering rendering) {
        PhoneNotifier n = notifier.get();
        if (n == null) {
            rec.reason = "pnp.sip is not running: NOTIFY not sent";
            changed(rec);
            return;
        }
        rec.notifyPending = true;
        rec.downloads = 0;
        MacAddress mac = rec.mac;
        PhoneSighting to = rec.sighting;
        n.notify(to, rendering.notifyUrl(), rendering.notifyContentType())
                .whenComplete((outcome, failure) -> worker.execute(() -> onNotified(mac, to, outcome, failure)));
    }

    private void onNotified(MacAddress mac, PhoneSighting to, NotifyOutcome outcome, Throwable failure) {
        PhoneRecord rec = records.get(mac);
        if (rec == null) {
            return;
        }
        rec.notifyPending = false;
        rec.notifiedAt = Instant.now();
        if (failure == null && outcome.accepted()) {
            if (rec.state == PhoneState.ASSIGNED || rec.state == PhoneState.FAILED) {
                enter(rec, PhoneState.NOTIFIED, "NOTIFY answered " + outcome.detail(), PhoneEvents.NOTIFIED);
            }
        } else if (!sameContact(to, rec.sighting)) {
            // not a failure: the phone SUBSCRIBEd again from elsewhere before answering, and is notified there
            LOG.info("Phone {}: NOTIFY to {}:{} superseded, the phone subscribed again from {}:{} ({})", mac,
                    LogText.of(to.contactHost()), to.contactPort(), LogText.of(rec.sighting.contactHost()),
                    rec.sighting.contactPort(), LogText.of(failure != null ? failure.toString() : outcome.detail()));
        } else if (rec.downloads > 0) {
            // It fetched its files since this NOTIFY went out, so it had the URL: only its 200 got lost (or
            // it rebooted before the retransmission it would have answered). Keep DOWNLOADED/PROVISIONED.
            LOG.info("Phone {} at {}: NOTIFY not answered ({}), but the phone has downloaded its files since",
                    mac, LogText.of(rec.sighting.contactHost()),
                    LogText.of(failure != null ? failure : outcome.detail()));
        } else {
            String why = failure != null ? failure.toString() : outcome.detail();
            enter(rec, PhoneState.FAILED, "NOTIFY failed: " + why, PhoneEvents.FAILED);
            LOG.warn("Phone {} at {}: NOTIFY failed: {}", mac, LogText.of(rec.sighting.contactHost()),
                    LogText.of(why));
        }
        changed(rec);
        if (rec.notifyAgain) {
            rec.notifyAgain = false;
            dispatch(rec, true);
        }
    }

    private void onDownload(MacAddress mac, Phone.Download d, String digest) {
        PhoneRecord rec = records.get(mac);
        if (rec == null) {
            return;
        }
        rec.lastDownload = d;
        rec.downloads++;
        boolean closed = Bootstrap.downloaded(rec, d.time(), window());
        if (closed) {
            served.access(mac, Bootstrap.access(rec, window()));
            activityLog.bootstrapClosed(mac, rec.bootstrapDownloads,
                    rec.httpPassword.isEmpty() ? "its bound address" : "its HTTP credentials");
        }
        recordDownload(rec, d, digest);
        if (closed) {
            // Queued now rather than with the next flush: a kill -9 must not reopen it.
            writer.whenSaved(rec, failure -> {
                if (failure != null) {
                    LOG.warn("Phone {}: cannot save its closed bootstrap yet ({}); retried with the next flush", mac,
                            failure.toString());
                }
            });
        }
    }

    /** What the download says of the phone: the credentials it now has, its state, a resync that arrived. */
    private void recordDownload(PhoneRecord rec, Phone.Download d, String digest) {
        String before = rec.downloadedDigests.get(d.file());
        if (!digest.equals(before)) {
            Map<String, String> downloaded = new HashMap<>(rec.downloadedDigests);
            downloaded.put(d.file(), digest);
            rec.downloadedDigests = Map.copyOf(downloaded);
        }
        boolean bytesChanged = !digest.equals(before);
        if (digest.equals(rec.renderedDigests.get(d.file())) && !rec.renderedCredentials.equals(rec.phoneCredentials)) {
            // Only the bytes of the latest render carry its credentials: a download of older bytes served just
            // before an edit leaves the phone with the ones it had.
            rec.phoneCredentials = rec.renderedCredentials;
        }
        String current = rec.renderedDigests.get(d.file());
        boolean stale = current != null && !current.equals(digest);
        if (stale && (rec.state == PhoneState.RESYNCING || rec.state == PhoneState.RESYNC_FAILED)) {
            // the bytes from before the change, served just before it: the phone still has to fetch the new ones
            events.post(PhoneEvents.DOWNLOADED, rec);
            changed(rec);
            return;
        }
        if (rec.state == PhoneState.RESYNCING || rec.state == PhoneState.RESYNC_FAILED) {
            resyncs.downloaded(rec, d, bytesChanged);
            return;
        }
        if (rec.state == PhoneState.RESYNCED) {
            // one resync, several files (or its own periodic check): it stays resynced
            events.post(PhoneEvents.DOWNLOADED, rec);
            changed(rec);
            return;
        }
        PhoneState next = rec.downloads >= 2 ? PhoneState.PROVISIONED : PhoneState.DOWNLOADED;
        rec.state(next, d.file() + " over " + d.protocol() + " by " + d.address(), d.time());
        changed(rec);
        events.post(PhoneEvents.DOWNLOADED, rec);
    }

    private static boolean isRunningState(PhoneState s) {
        return s == PhoneState.DOWNLOADED || s == PhoneState.PROVISIONED || s == PhoneState.RESYNCING
                || s == PhoneState.RESYNCED || s == PhoneState.RESYNC_FAILED;
    }

    /** Remembers which bytes carry which SIP credentials, for {@link #onDownload}. */
    private static void rendered(PhoneRecord rec, Assignment assignment, Rendering rendering, List<String> digests) {
        rec.renderedCredentials = SipCredentials.of(assignment);
        Map<String, String> byName = new HashMap<>();
        for (int i = 0; i < rendering.files().size(); i++) {
            ProvisioningFile f = rendering.files().get(i);
            if (f.scope() != ProvisioningFile.Scope.COMMON) {
                byName.put(f.name(), digests.get(i));
            }
        }
        rec.renderedDigests = Map.copyOf(byName); // compact: one or two entries
    }

    /** What the phone would download: every file's name and bytes. */
    private static String filesDigest(Rendering rendering, List<String> digests) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rendering.files().size(); i++) {
            b.append(rendering.files().get(i).name()).append('/').append(digests.get(i)).append('\n');
        }
        return Inventory.digest(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One step of the state machine: the phone enters {@code next} (its time changes only when the state
     * does), readers see it, it is saved with the next flush, and its event is posted (when {@code topic}
     * is not null; after the snapshot, so that a handler reading the inventory sees the new state).
     */
    private void enter(PhoneRecord rec, PhoneState next, String why, String topic) {
        rec.state(next, why, Instant.now());
        changed(rec);
        if (topic != null) {
            events.post(topic, rec);
        }
    }

    /** Readers see the record as it is now, and it is written with the next flush. */
    private void changed(PhoneRecord rec) {
        publishSnapshot(rec);
        writer.changed(rec.mac);
    }

    private void publishSnapshot(PhoneRecord rec) {
        Assignment a = assignments.get(rec.mac);
        snapshots.put(rec.mac, rec.snapshot(a == null ? "" : a.extension()));
        if (rec.reask != null) {
            reasks.put(rec.mac, reaskOf(rec));
        } else {
            reasks.remove(rec.mac);
        }
    }

    private void flush() {
        activityLog.tick();
        bounds.report(Instant.now());
        writer.flush();
    }

    // ---- worker thread: assignments ----

    private void putAssignment(String pid, Assignment a, String source) {
        if (apply(pid, a, source, true)) {
            retryRefused();
        }
    }

    /** @return whether the assignment is in effect */
    private boolean apply(String pid, Assignment a, String source, boolean logRefusal) {
        AssignmentTable.Change change = assignments.put(pid, a, source);
        if (change instanceof AssignmentTable.Refused refused) {
            if (logRefusal) {
                LOG.warn("Ignoring phone assignment in {}: {} in {} (the console refuses the same; change or remove "
                        + "one of them)", source, refused.why(), refused.holder().source());
            }
            return false;
        }
        ((AssignmentTable.Applied) change).moved().map(records::get).ifPresent(r -> dispatch(r, false));
        LOG.debug("Assignment {} from {}", a, source);
        dispatch(recordOf(a.mac()), false);
        return true;
    }

    /** Assignments refused for a conflict may fit once the other one changed or went. */
    private void retryRefused() {
        for (AssignmentTable.Entry waiting : assignments.refused()) {
            if (apply(waiting.pid(), waiting.assignment(), waiting.source(), false)) {
                LOG.info("Phone assignment in {} is in effect now: it no longer conflicts", waiting.source());
            }
        }
    }

    private void removeAssignment(String pid) {
        Optional<AssignmentTable.Entry> removed = assignments.remove(pid);
        if (removed.isEmpty()) {
            return;
        }
        MacAddress mac = removed.get().assignment().mac();
        PhoneRecord rec = records.get(mac);
        if (rec != null) {
            renderer.unpublish(rec);
        } else {
            served.unpublish(mac);
        }
        if (rec != null && rec.sighting == null) {
            drop(mac);
        } else if (rec != null) {
            LOG.info("Phone {} unassigned; its files are no longer served", mac);
            dispatch(rec, false);
        }
        retryRefused();
    }

    // ---- worker thread: keeping the inventory bounded ----

    private PhoneRecord recordOf(MacAddress mac) {
        return records.computeIfAbsent(mac, PhoneRecord::new);
    }

    /** Forgets the phone: its record, its snapshot, its files. */
    private void drop(MacAddress mac) {
        PhoneRecord rec = records.remove(mac);
        if (rec != null && rec.sighting != null) {
            bounds.forgotten(mac, rec.sighting.sourceAddress());
        }
        snapshots.remove(mac);
        reasks.remove(mac);
        served.unpublish(mac);
        writer.forget(mac);
    }

    /** After a new unassigned phone: forgets the phones with least evidence past the bounds (maybe the newcomer). */
    private void keepBounded(PhoneRecord newcomer) {
        Inventory.Config c = config;
        UnassignedPhoneBounds.Limits limits = new UnassignedPhoneBounds.Limits(c.maxUnassignedPerAddress(),
                c.maxUnassignedPerSubnet(), c.maxPhones());
        for (PhoneRecord r : bounds.overBounds(newcomer, limits, records::get, records.values(), assignments::has)) {
            drop(r.mac);
            LOG.debug("Forgot unassigned phone {} ({} SUBSCRIBEs, {}) from {}: past the inventory's bounds", r.mac,
                    r.sightings, r.profile.isEmpty() ? "unclaimed" : "claimed by " + r.profile,
                    LogText.of(r.sighting.sourceAddress()));
        }
    }
}
