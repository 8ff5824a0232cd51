package pnp.core.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
import pnp.api.Rendering;

/**
 * The phones and their state machine, on one worker thread: what was heard of each phone, which
 * profile claims it, its assignment, its files, its NOTIFY and downloads (see the README's Design
 * section for the states). No OSGi code: {@link Inventory} is the component around it.
 *
 * <p>Threading: the public face ({@link #sighted}, {@link #assign}, ...) may be called from any thread
 * and only queues work for the worker, which does every change of state in the order it was asked
 * for, so no phone is ever dispatched twice at once. The worker never waits for anything but a record
 * write that must precede a NOTIFY ({@link PhoneFileRenderer}). Readers ({@link #phones()},
 * {@link #phone}) see immutable snapshots published by the worker.
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
    private final HeardPhoneLog heardLog = new HeardPhoneLog();
    /**
     * Until then, profiles and assignments are still arriving after a start: a phone that seems
     * unclaimed or unassigned keeps its persisted state. Worker thread only.
     */
    private Instant settledAt = Instant.MAX;
    private volatile Inventory.Config config;

    /**
     * @param phonesDirectory where the phone records are kept
     */
    PhoneStateMachine(Path phonesDirectory, Inventory.Config config, VendorProfiles profiles, ProvisioningUrls urls,
            ServedFiles served, Supplier<PhoneNotifier> notifier, PhoneEventPoster events) throws IOException {
        this.config = config;
        this.profiles = profiles;
        this.served = served;
        this.notifier = notifier;
        this.events = events;
        this.writer = new RecordWriter(new PhoneRecordStore(phonesDirectory), worker, records::get);
        this.renderer = new PhoneFileRenderer(urls, served, writer);
    }

    /** Loads the records and starts the flushes and the start-up grace. */
    void start() {
        worker.execute(this::load);
        worker.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
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
        worker.execute(this::redispatchAll);
    }

    /** A profile came or went: every phone is offered to the profiles again. */
    void profilesChanged() {
        worker.execute(this::redispatchAll);
    }

    void sighted(PhoneSighting sighting) {
        worker.execute(() -> onSighting(sighting));
    }

    void downloaded(MacAddress mac, Phone.Download d) {
        worker.execute(() -> onDownload(mac, d));
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
            publishSnapshot(rec);
        }
        LOG.info("Loaded {} phones from {}", loaded.size(), writer.where());
        redispatchAll();
    }

    private void onSighting(PhoneSighting s) {
        PhoneRecord rec = records.get(s.mac());
        boolean fresh = rec == null || rec.sighting == null;
        if (rec == null) {
            rec = recordOf(s.mac());
            evictIfFull();
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
        rec.sighting = s;
        rec.sightings++;
        if (rec.firstSeen == null) {
            rec.firstSeen = s.time();
        }
        if (fresh) {
            heardLog.heard(s);
            events.post(PhoneEvents.DISCOVERED, rec);
        }
        if (rec.notifyPending || recentlyNotified(rec, s.time())) {
            changed(rec);
            return;
        }
        dispatch(rec, true);
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
            served.unpublish(rec.mac);
            boolean was = !rec.profile.isEmpty();
            rec.profile = "";
            rec.claimReason = ranking.reason();
            if (rec.sighting == null) {
                enter(rec, PhoneState.EXPECTED, "assigned; waiting for the phone to boot", null);
            } else if (rec.state != PhoneState.UNCLAIMED || was) {
                enter(rec, PhoneState.UNCLAIMED, rec.claimReason, PhoneEvents.UNCLAIMED);
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
            served.unpublish(rec.mac);
            if (rec.sighting != null) {
                enter(rec, PhoneState.CLAIMED, "no assignment yet", null);
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
                    PhoneFileRenderer.authentication(config.httpAuthentication()), config.httpPort(), window());
        } catch (IOException | RuntimeException e) {
            served.unpublish(rec.mac);
            enter(rec, PhoneState.FAILED, profile.vendor() + " could not render the files: " + e.getMessage(),
                    PhoneEvents.FAILED);
            LOG.warn("Phone {}: {}", rec.mac, LogText.of(rec.reason));
            return;
        }
        boolean served = rec.state == PhoneState.NOTIFIED || rec.state == PhoneState.DOWNLOADED
                || rec.state == PhoneState.PROVISIONED;
        boolean changed = rec.revision != revisionBefore;
        if (!served || changed) {
            enter(rec, PhoneState.ASSIGNED, "files generated (revision " + rec.revision + ")", PhoneEvents.ASSIGNED);
        }
        changed(rec);
        if (!(forceNotify || !served || changed)) {
            return;
        }
        if (rec.notifyPending) {
            // One NOTIFY is still on its way (retransmitted until answered, up to 32 s): a second would carry
            // the same dialog and CSeq. It points at the files just published; if they changed (or a new one
            // was asked for), notify again once it is over.
            rec.notifyAgain |= changed || forceNotify;
            return;
        }
        sendNotify(rec, rendering);
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
        n.notify(rec.sighting, rendering.notifyUrl(), rendering.notifyContentType())
                .whenComplete((outcome, failure) -> worker.execute(() -> onNotified(mac, outcome, failure)));
    }

    private void onNotified(MacAddress mac, NotifyOutcome outcome, Throwable failure) {
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

    private void onDownload(MacAddress mac, Phone.Download d) {
        PhoneRecord rec = records.get(mac);
        if (rec == null) {
            return;
        }
        rec.lastDownload = d;
        rec.downloads++;
        if (Bootstrap.downloaded(rec, d.time(), window())) {
            served.access(mac, Bootstrap.access(rec, window()));
            LOG.info("Phone {}: bootstrap closed after {} download(s); its files now need {}", mac,
                    rec.bootstrapDownloads, rec.httpPassword.isEmpty() ? "its bound address" : "its HTTP credentials");
            try {
                writer.saveNow(rec); // a kill -9 must not reopen it
            } catch (IOException e) {
                LOG.warn("Phone {}: cannot save its closed bootstrap yet ({}); retried with the next flush", mac,
                        e.toString());
            }
        }
        PhoneState next = rec.downloads >= 2 ? PhoneState.PROVISIONED : PhoneState.DOWNLOADED;
        rec.state(next, d.file() + " over " + d.protocol() + " by " + d.address(), d.time());
        events.post(PhoneEvents.DOWNLOADED, rec);
        changed(rec);
    }

    /**
     * One step of the state machine: the phone enters {@code next} (its time changes only when the state
     * does), its event is posted (when {@code topic} is not null), readers see it and it is saved.
     */
    private void enter(PhoneRecord rec, PhoneState next, String why, String topic) {
        rec.state(next, why, Instant.now());
        if (topic != null) {
            events.post(topic, rec);
        }
        changed(rec);
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
        heardLog.tick();
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
        served.unpublish(mac);
        PhoneRecord rec = records.get(mac);
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
        records.remove(mac);
        snapshots.remove(mac);
        reasks.remove(mac);
        served.unpublish(mac);
        writer.forget(mac);
    }

    private void evictIfFull() {
        int excess = records.size() - config.maxPhones();
        while (excess-- > 0) {
            Optional<PhoneRecord> oldest = records.values().stream()
                    .filter(r -> !assignments.has(r.mac) && r.sighting != null)
                    .min(Comparator.comparing(r -> r.sighting.time()));
            if (oldest.isEmpty()) {
                return;
            }
            PhoneRecord r = oldest.get();
            drop(r.mac);
            LOG.warn("Inventory holds more than {} phones: forgot unassigned phone {} (last heard {})",
                    config.maxPhones(), r.mac, r.sighting.time());
        }
    }
}
