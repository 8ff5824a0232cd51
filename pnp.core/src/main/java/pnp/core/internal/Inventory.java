package pnp.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Assignment;
import pnp.api.Claim;
import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneEvents;
import pnp.api.PhoneInventory;
import pnp.api.PhoneNotifier;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles;
import pnp.api.RenderRequest;
import pnp.api.Rendering;
import pnp.api.ServerStatus;
import pnp.api.VendorProfile;
import pnp.api.VendorProfileService;

/**
 * The phone inventory: records what {@code pnp.sip} hears, offers phones to the vendor profiles,
 * joins them with their assignments (factory configurations {@code pnp.phone}), has the claiming
 * profile render the files, asks {@code pnp.sip} for the NOTIFY and serves the files to
 * {@code pnp.http} and {@code pnp.tftp}.
 *
 * <p>Threading: every change of state runs on one worker thread, in the order it was asked for, so
 * no phone is ever dispatched twice at once. Readers ({@link #phones()}, {@link #lookup}) see
 * immutable snapshots published by the worker.
 */
@Component(service = { PhoneInventory.class, ProvisioningFiles.class, ManagedServiceFactory.class },
        configurationPid = "pnp.core", property = Constants.SERVICE_PID + "=" + Assignment.FACTORY_PID,
        immediate = true)
@Designate(ocd = Inventory.Config.class)
public class Inventory implements PhoneInventory, ProvisioningFiles, ManagedServiceFactory {

    @ObjectClassDefinition(name = "PnP phone inventory",
            description = "Where phones are kept, who may download their files, when a phone is notified again.")
    public @interface Config {
        @AttributeDefinition(name = "Re-notify after (seconds)",
                description = "A phone that SUBSCRIBEs again within this time after its NOTIFY is only counted.")
        int renotifyAfterSeconds() default 60;

        @AttributeDefinition(name = "Most phones kept",
                description = "Past this, the phones without assignment that were heard least recently are forgotten.")
        int maxPhones() default 20000;

        @AttributeDefinition(name = "TFTP: only to the phone's address",
                description = "Serve a phone's own file over TFTP only to the address its SUBSCRIBE came from.")
        boolean tftpOnlyToSubscriber() default true;

        @AttributeDefinition(name = "HTTP: only to the phone's address",
                description = "Serve a phone's files over HTTP only to the address its SUBSCRIBE came from (the URL's token is always required).")
        boolean httpOnlyToSubscriber() default false;

        @AttributeDefinition(name = "HTTP port used in URLs when pnp.http reports none")
        int httpPort() default 5481;

        @AttributeDefinition(name = "HTTP authentication per phone",
                description = "off: the URL's secret token alone protects a phone's files. basic or digest: each phone also gets its own user and password, written into its file (use basic only with HTTPS).",
                options = { @org.osgi.service.metatype.annotations.Option(label = "off", value = "off"),
                        @org.osgi.service.metatype.annotations.Option(label = "basic", value = "basic"),
                        @org.osgi.service.metatype.annotations.Option(label = "digest", value = "digest") })
        String httpAuthentication() default "off";

        @AttributeDefinition(name = "Zero-touch assignment",
                description = "Give a claimed phone without assignment that matches the rule below the next free extension of the range (a pnp.phone configuration named zt-<mac> with a generated password).")
        boolean zeroTouch() default false;

        @AttributeDefinition(name = "Zero-touch: vendors", description = "Claiming vendors that qualify (e.g. Grandstream). Empty: any.")
        String[] zeroTouchVendors() default {};

        @AttributeDefinition(name = "Zero-touch: MAC prefixes", description = "MAC prefixes that qualify (e.g. 000b82). Empty: any.")
        String[] zeroTouchMacPrefixes() default {};

        @AttributeDefinition(name = "Zero-touch: extension range", description = "First-last, e.g. 200-299.")
        String zeroTouchExtensions() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int STARTUP_GRACE_SECONDS = 10;

    private final ScheduledExecutorService worker = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "pnp-inventory");
        t.setDaemon(true);
        return t;
    });

    /** Profiles, best first: highest ranking, then lowest service id. */
    /** Writes phone records, in the order they were handed over; never touches inventory state. */
    private final ExecutorService storeThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pnp-inventory-store");
        t.setDaemon(true);
        return t;
    });
    private final List<ProfileRef> profiles = new CopyOnWriteArrayList<>();
    /**
     * Vendors whose profile has registered since the start. A phone whose profile is among them but
     * gone has lost it (the bundle left): that is not "still arriving", the start-up grace does not apply.
     */
    private final Set<String> vendorsArrived = ConcurrentHashMap.newKeySet();
    private final Map<MacAddress, PhoneRecord> records = new ConcurrentHashMap<>();
    private final Map<MacAddress, Phone> snapshots = new ConcurrentHashMap<>();
    /** Assignments by configuration PID, and which PID assigns each MAC. Worker thread only. */
    private final Map<String, Assignment> assignmentsByPid = new HashMap<>();
    private final Map<MacAddress, String> pidByMac = new HashMap<>();
    private final Map<MacAddress, Assignment> assignments = new ConcurrentHashMap<>();
    /** What is served: by phone, by token, by file name. */
    private final Map<MacAddress, Served> servedByMac = new ConcurrentHashMap<>();
    private final Map<String, Served> servedByToken = new ConcurrentHashMap<>();
    private final Map<String, Set<MacAddress>> phoneFileNames = new ConcurrentHashMap<>();
    private final Map<String, Served.Kept> commonFiles = new ConcurrentHashMap<>();
    private final Set<MacAddress> dirty = new LinkedHashSet<>();
    private final List<ServerStatus> servers = new CopyOnWriteArrayList<>();

    private final Set<String> zeroTouchReserved = new java.util.HashSet<>();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile org.osgi.service.cm.ConfigurationAdmin configAdmin;
    /**
     * Until then, profiles and assignments are still arriving after a start: a phone that seems
     * unclaimed or unassigned keeps its persisted state. Worker thread only.
     */
    private Instant settledAt = Instant.MAX;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile PhoneNotifier notifier;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin events;
    private volatile Config config;
    private PhoneRecordStore store;
    private static final int HEARD_LINES_PER_WINDOW = 20;
    private static final long HEARD_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private long heardWindowStart = System.nanoTime() - HEARD_WINDOW_NANOS - 1;
    private int heardInWindow;
    private int heardUnlogged;
    private static final int DOWNLOAD_LINES_PER_WINDOW = 10;
    private static final long DOWNLOAD_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    private long downloadWindowStart = System.nanoTime() - DOWNLOAD_WINDOW_NANOS - 1;
    private int downloadsInWindow;
    private int downloadsUnlogged;

    @Activate
    void activate(BundleContext context, Config config) throws IOException {
        this.config = config;
        String data = Optional.ofNullable(context.getProperty("pnp.data"))
                .orElse(Path.of(System.getProperty("user.dir"), "data").toString());
        store = new PhoneRecordStore(Path.of(data, "phones"));
        worker.execute(this::load);
        worker.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
        worker.schedule(() -> {
            settledAt = Instant.now();
            redispatchAll();
        }, STARTUP_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    @Modified
    void modified(Config config) {
        this.config = config;
        worker.execute(this::redispatchAll);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.execute(this::flush);
        // the start-up grace's delayed re-dispatch must not hold the stop back up to 10 s
        ((ScheduledThreadPoolExecutor) worker).setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        worker.shutdown();
        boolean stopped = worker.awaitTermination(10, TimeUnit.SECONDS);
        storeThread.execute(store::close);
        storeThread.shutdown();
        if (!stopped || !storeThread.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("Inventory did not stop within 10 s; recent phone changes may not be saved");
        }
    }

    // ---- whiteboard ----

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addProfile(VendorProfile profile, Map<String, Object> props) {
        ProfileRef ref = ProfileRef.of(profile, props);
        vendorsArrived.add(ref.vendor());
        profiles.add(ref);
        profiles.sort(ProfileRef.BEST_FIRST);
        LOG.info("Vendor profile {} arrived (ranking {}); offering it the phones", ref.vendor(), ref.ranking());
        worker.execute(this::redispatchAll);
    }

    void removeProfile(VendorProfile profile, Map<String, Object> props) {
        profiles.removeIf(p -> p.profile() == profile);
        String vendor = ProfileRef.of(profile, props).vendor();
        LOG.info("Vendor profile {} left; its phones are no longer served", vendor);
        worker.execute(this::redispatchAll);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addServer(ServerStatus s) {
        servers.add(s);
    }

    void removeServer(ServerStatus s) {
        servers.remove(s);
    }

    // ---- PhoneInventory ----

    @Override
    public void sighted(PhoneSighting sighting) {
        worker.execute(() -> onSighting(sighting));
    }

    @Override
    public List<Phone> phones() {
        List<Phone> list = new ArrayList<>(snapshots.values());
        list.sort(Comparator.comparing(Phone::mac));
        return list;
    }

    @Override
    public Optional<Phone> phone(MacAddress mac) {
        return Optional.ofNullable(snapshots.get(mac));
    }

    @Override
    public boolean renotify(MacAddress mac) {
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

    @Override
    public boolean forget(MacAddress mac) {
        if (!snapshots.containsKey(mac)) {
            return false;
        }
        worker.execute(() -> {
            PhoneRecord rec = records.remove(mac);
            if (rec == null) {
                return;
            }
            snapshots.remove(mac);
            unpublish(mac);
            dirty.remove(mac);
            deleteQuietly(mac);
            LOG.info("Phone {} forgotten", mac);
            if (assignments.containsKey(mac)) {
                dispatch(recordOf(mac), false);
            }
        });
        return true;
    }

    // ---- ManagedServiceFactory: pnp.phone ----

    @Override
    public String getName() {
        return "PnP phone assignments";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        String source = Optional.ofNullable(properties.get("felix.fileinstall.filename"))
                .map(f -> "file " + f + " (" + pid + ")").orElse("configuration " + pid);
        Assignment parsed;
        try {
            parsed = AssignmentParser.parse(properties);
        } catch (AssignmentParser.InvalidAssignment e) {
            LOG.warn("Ignoring phone assignment in {}: {} (keys present: {})", source, e.getMessage(),
                    java.util.Collections.list(properties.keys()));
            worker.execute(() -> removeAssignment(pid));
            return;
        }
        List<String> unknown = AssignmentParser.unknownKeys(properties);
        if (!unknown.isEmpty()) {
            LOG.warn("Phone assignment in {} has unknown keys {} (ignored); known keys: {}", source, unknown,
                    AssignmentParser.KEYS.stream().sorted().toList());
        }
        worker.execute(() -> putAssignment(pid, parsed, source));
    }

    @Override
    public void deleted(String pid) {
        worker.execute(() -> removeAssignment(pid));
    }

    // ---- ProvisioningFiles ----

    @Override
    public Lookup lookup(String token, String name, InetAddress requester, String protocol) {
        String key = name.toLowerCase(Locale.ROOT);
        String from = requester.getHostAddress();
        Config c = config;
        if (token != null) {
            Served served = servedByToken.get(token);
            if (served == null) {
                return new NotFound("no phone has this token");
            }
            if (c.httpOnlyToSubscriber() && !from.equals(served.subscriber())) {
                return new NotFound("phone " + served.mac() + " is only served to " + served.subscriber());
            }
            for (Served.Kept f : served.files()) {
                if (f.answersTo(key)) {
                    return f.found();
                }
            }
            return new NotFound("phone " + served.mac() + " has no file " + name);
        }
        Set<MacAddress> owners = phoneFileNames.get(key);
        if (owners != null && !owners.isEmpty()) {
            Served match = null;
            for (MacAddress mac : owners) {
                Served s = servedByMac.get(mac);
                if (s != null && from.equals(s.subscriber())) {
                    match = s;
                    break;
                }
            }
            boolean restricted = "tftp".equals(protocol) ? c.tftpOnlyToSubscriber() : c.httpOnlyToSubscriber();
            if (match == null && !restricted && owners.size() == 1) {
                match = servedByMac.get(owners.iterator().next());
            }
            if (match != null) {
                for (Served.Kept f : match.files()) {
                    if (f.answersTo(key)) {
                        if (f.credentials() != null && "tftp".equals(protocol)) {
                            // TFTP cannot ask for a password: the file would go to anyone at that address
                            return new NotFound("phone " + match.mac() + "'s files need HTTP authentication ("
                                    + f.credentials().scheme() + "; pnp.core httpAuthentication): not served over TFTP");
                        }
                        return f.found();
                    }
                }
            }
            if (commonFiles.get(key) == null) {
                return new NotFound(name + " belongs to a phone at another address than " + from);
            }
        }
        Served.Kept common = commonFiles.get(key);
        return common != null ? common.found() : new NotFound("no phone or vendor has a file " + name);
    }

    @Override
    public void downloaded(Found file, InetAddress requester, String protocol, String userAgent) {
        if (file.mac() == null || file.file().scope() == ProvisioningFile.Scope.COMMON) {
            return;
        }
        Phone.Download d = new Phone.Download(file.file().name(), protocol, requester.getHostAddress(), userAgent,
                Instant.now());
        worker.execute(() -> onDownload(file.mac(), d));
    }

    // ---- worker thread ----

    private void load() {
        List<PhoneRecord> loaded = store.loadAll();
        for (PhoneRecord rec : loaded) {
            records.put(rec.mac, rec);
            publishSnapshot(rec);
        }
        LOG.info("Loaded {} phones from {}", loaded.size(), store.directory());
        redispatchAll();
    }

    private void onSighting(PhoneSighting s) {
        PhoneRecord rec = records.get(s.mac());
        boolean fresh = rec == null || rec.sighting == null;
        if (rec == null) {
            rec = recordOf(s.mac());
            evictIfFull();
        }
        rec.sighting = s;
        rec.sightings++;
        if (rec.firstSeen == null) {
            rec.firstSeen = s.time();
        }
        if (fresh) {
            logHeard(s);
            post(PhoneEvents.DISCOVERED, rec);
        }
        if (rec.notifyPending || recentlyNotified(rec, s.time())) {
            markDirty(rec);
            return;
        }
        dispatch(rec, true);
    }

    /**
     * Logs a new phone, one line each up to {@link #HEARD_LINES_PER_WINDOW} in {@link #HEARD_WINDOW_NANOS};
     * beyond that (a site's phones booting at once) they are counted and the count is logged when the
     * window ends: ten thousand lines would cost the worker a quarter of its time and bury the rest.
     */
    private void logHeard(PhoneSighting s) {
        long now = System.nanoTime();
        if (now - heardWindowStart > HEARD_WINDOW_NANOS) {
            reportUnloggedHeard();
            heardWindowStart = now;
            heardInWindow = 0;
        }
        if (heardInWindow++ < HEARD_LINES_PER_WINDOW) {
            LOG.info("Phone {} heard: vendor '{}' model '{}' firmware '{}' from {}", s.mac(), s.vendor(), s.model(),
                    s.firmware(), s.sourceAddress());
        } else {
            heardUnlogged++;
        }
    }

    private void reportUnloggedHeard() {
        if (heardUnlogged > 0) {
            LOG.info("{} more new phones heard in the last {} s, not logged one by one (the console lists them)",
                    heardUnlogged, TimeUnit.NANOSECONDS.toSeconds(HEARD_WINDOW_NANOS));
            heardUnlogged = 0;
        }
    }

    private boolean recentlyNotified(PhoneRecord rec, Instant now) {
        return rec.notifiedAt != null
                && Duration.between(rec.notifiedAt, now).getSeconds() < config.renotifyAfterSeconds()
                && (rec.state == PhoneState.NOTIFIED || rec.state == PhoneState.DOWNLOADED
                        || rec.state == PhoneState.PROVISIONED);
    }

    private void redispatchAll() {
        for (PhoneRecord rec : List.copyOf(records.values())) {
            dispatch(rec, false);
        }
    }

    /**
     * Brings one phone up to date: who claims it, whether it is assigned, its files, and (when it
     * was heard and {@code notify} or it has not been notified yet) its NOTIFY.
     */
    private void dispatch(PhoneRecord rec, boolean forceNotify) {
        Instant now = Instant.now();
        Assignment assignment = assignments.get(rec.mac);
        Optional<ProfileChoice> choice = choose(rec);
        boolean settling = now.isBefore(settledAt);
        boolean profileMayArrive = choice.isEmpty() && !vendorsArrived.contains(rec.profile);
        if (settling && (profileMayArrive || assignment == null) && rec.state.compareTo(PhoneState.ASSIGNED) >= 0
                && rec.state != PhoneState.FAILED) {
            return; // its profile or assignment has not arrived yet since the start
        }
        if (choice.isEmpty()) {
            unpublish(rec.mac);
            boolean was = !rec.profile.isEmpty();
            rec.profile = "";
            rec.claimReason = noClaimReason(rec);
            if (rec.sighting == null) {
                rec.state(PhoneState.EXPECTED, "assigned; waiting for the phone to boot", now);
            } else if (rec.state != PhoneState.UNCLAIMED || was) {
                rec.state(PhoneState.UNCLAIMED, rec.claimReason, now);
                post(PhoneEvents.UNCLAIMED, rec);
            }
            markDirty(rec);
            return;
        }
        ProfileChoice pc = choice.get();
        if (!pc.ref().vendor().equals(rec.profile)) {
            rec.profile = pc.ref().vendor();
            rec.claimReason = pc.claim().reason();
            if (rec.sighting != null) {
                rec.state(PhoneState.CLAIMED, "claimed by " + rec.profile + ": " + rec.claimReason, now);
                post(PhoneEvents.CLAIMED, rec);
            }
        }
        if (assignment == null) {
            unpublish(rec.mac);
            if (rec.sighting != null) {
                rec.state(PhoneState.CLAIMED, zeroTouch(rec) ? "zero-touch assignment requested" : "no assignment yet",
                        now);
            }
            markDirty(rec);
            return;
        }
        if (rec.sighting == null) {
            // Secrets are made now and saved in the background, so that the phone's boot does not wait for a write.
            ensureSecrets(rec);
            rec.state(PhoneState.EXPECTED, "assigned; waiting for the phone to boot", now);
            markDirty(rec);
            return;
        }
        Rendering rendering;
        long revisionBefore = rec.revision;
        try {
            rendering = render(rec, pc.ref(), assignment);
        } catch (IOException | RuntimeException e) {
            unpublish(rec.mac);
            rec.state(PhoneState.FAILED, pc.ref().vendor() + " could not render the files: " + e.getMessage(), now);
            LOG.warn("Phone {}: {}", rec.mac, rec.reason);
            post(PhoneEvents.FAILED, rec);
            markDirty(rec);
            return;
        }
        boolean served = rec.state == PhoneState.NOTIFIED || rec.state == PhoneState.DOWNLOADED
                || rec.state == PhoneState.PROVISIONED;
        boolean changed = rec.revision != revisionBefore;
        if (!served || changed) {
            rec.state(PhoneState.ASSIGNED, "files generated (revision " + rec.revision + ")", now);
            post(PhoneEvents.ASSIGNED, rec);
        }
        markDirty(rec);
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

    private Rendering render(PhoneRecord rec, ProfileRef ref, Assignment a) throws IOException {
        PhoneSighting s = rec.sighting;
        String host = serverHost(s);
        String httpBase = httpBase(host);
        String tftpBase = tftpBase(host);
        ensureSecrets(rec);
        String auth = authentication();
        String httpUser = auth.equals("off") ? "" : rec.httpUser;
        String httpPassword = auth.equals("off") ? "" : rec.httpPassword;
        // Every input of the render, in an order that does not change between runs (Map.copyOf's does).
        String digest = digest(ref.vendor(), a.toString(), a.password(), a.voicemail(), a.lineKeys().toString(),
                new TreeMap<>(a.overrides()).toString(), s.model(), host, httpBase + rec.token + "/", tftpBase, auth,
                httpUser, httpPassword);
        if (!digest.equals(rec.inputsDigest)) {
            rec.revision++;
            rec.inputsDigest = digest;
        }
        if (rec.secretsUnsaved) {
            // Token and credentials go out in the NOTIFY and into the phone's file: they must outlive a crash.
            saveNow(rec);
        }
        RenderRequest request = new RenderRequest(a, s.model(), host, httpBase + rec.token + "/", tftpBase, httpUser,
                httpPassword, rec.revision);
        Rendering rendering = ref.profile().render(request);
        publish(rec, rendering, httpUser.isEmpty() ? null : new Credentials(auth, httpUser, httpPassword));
        return rendering;
    }

    /** Gives the phone its URL token and, when downloads need them, its credentials. */
    private void ensureSecrets(PhoneRecord rec) {
        if (rec.token.isEmpty()) {
            rec.token = randomText(16);
            rec.secretsUnsaved = true;
        }
        if (!authentication().equals("off") && rec.httpPassword.isEmpty()) {
            rec.httpUser = rec.mac.value();
            rec.httpPassword = randomText(12);
            rec.secretsUnsaved = true;
        }
    }

    private void sendNotify(PhoneRecord rec, Rendering rendering) {
        PhoneNotifier n = notifier;
        if (n == null) {
            rec.reason = "pnp.sip is not running: NOTIFY not sent";
            markDirty(rec);
            return;
        }
        rec.notifyPending = true;
        rec.downloads = 0;
        PhoneSighting to = rec.sighting;
        MacAddress mac = rec.mac;
        n.notify(to, rendering.notifyUrl(), rendering.notifyContentType())
                .whenComplete((outcome, failure) -> worker.execute(() -> onNotified(mac, outcome, failure)));
    }

    private void onNotified(MacAddress mac, NotifyOutcome outcome, Throwable failure) {
        PhoneRecord rec = records.get(mac);
        if (rec == null) {
            return;
        }
        rec.notifyPending = false;
        Instant now = Instant.now();
        rec.notifiedAt = now;
        if (failure == null && outcome.accepted()) {
            if (rec.state == PhoneState.ASSIGNED || rec.state == PhoneState.FAILED) {
                rec.state(PhoneState.NOTIFIED, "NOTIFY answered " + outcome.detail(), now);
                post(PhoneEvents.NOTIFIED, rec);
            }
        } else if (rec.downloads > 0) {
            // It fetched its files since this NOTIFY went out, so it had the URL: only its 200 got lost (or
            // it rebooted before the retransmission it would have answered). Keep DOWNLOADED/PROVISIONED.
            LOG.info("Phone {} at {}: NOTIFY not answered ({}), but the phone has downloaded its files since",
                    mac, rec.sighting.contactHost(), failure != null ? failure.toString() : outcome.detail());
        } else {
            String why = failure != null ? failure.toString() : outcome.detail();
            rec.state(PhoneState.FAILED, "NOTIFY failed: " + why, now);
            LOG.warn("Phone {} at {}: NOTIFY failed: {}", mac, rec.sighting.contactHost(), why);
            post(PhoneEvents.FAILED, rec);
        }
        markDirty(rec);
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
        PhoneState next = rec.downloads >= 2 ? PhoneState.PROVISIONED : PhoneState.DOWNLOADED;
        rec.state(next, d.file() + " over " + d.protocol() + " by " + d.address(), d.time());
        post(PhoneEvents.DOWNLOADED, rec);
        markDirty(rec);
        logDownload(rec, d);
    }

    /**
     * One line per download up to {@link #DOWNLOAD_LINES_PER_WINDOW} a second; in a boot storm the rest
     * of each second is summed up in one line (by {@link #flush}), so the log stays readable.
     */
    private void logDownload(PhoneRecord rec, Phone.Download d) {
        long now = System.nanoTime();
        if (now - downloadWindowStart > DOWNLOAD_WINDOW_NANOS) {
            reportUnloggedDownloads();
            downloadWindowStart = now;
            downloadsInWindow = 0;
        }
        if (downloadsInWindow++ < DOWNLOAD_LINES_PER_WINDOW) {
            LOG.info("Phone {} downloaded {} over {} from {}: {}", rec.mac, d.file(), d.protocol(), d.address(),
                    rec.state);
        } else {
            downloadsUnlogged++;
        }
    }

    private void reportUnloggedDownloads() {
        if (downloadsUnlogged > 0) {
            LOG.info("{} more downloads in the last second, not logged one by one (the console lists the phones)",
                    downloadsUnlogged);
            downloadsUnlogged = 0;
        }
    }

    private void putAssignment(String pid, Assignment a, String source) {
        String owner = pidByMac.get(a.mac());
        if (owner != null && !owner.equals(pid)) {
            LOG.warn("Phone {} is assigned twice: in {} and in configuration {}; keeping {}", a.mac(), source, owner,
                    owner);
            return;
        }
        Assignment previous = assignmentsByPid.put(pid, a);
        if (previous != null && !previous.mac().equals(a.mac())) {
            pidByMac.remove(previous.mac());
            assignments.remove(previous.mac());
            Optional.ofNullable(records.get(previous.mac())).ifPresent(r -> dispatch(r, false));
        }
        pidByMac.put(a.mac(), pid);
        assignments.put(a.mac(), a);
        LOG.debug("Assignment {} from {}", a, source);
        dispatch(recordOf(a.mac()), false);
    }

    private void removeAssignment(String pid) {
        Assignment a = assignmentsByPid.remove(pid);
        if (a == null) {
            return;
        }
        pidByMac.remove(a.mac());
        assignments.remove(a.mac());
        unpublish(a.mac());
        PhoneRecord rec = records.get(a.mac());
        if (rec == null) {
            return;
        }
        if (rec.sighting == null) {
            records.remove(a.mac());
            snapshots.remove(a.mac());
            deleteQuietly(a.mac());
        } else {
            LOG.info("Phone {} unassigned; its files are no longer served", a.mac());
            dispatch(rec, false);
        }
    }

    /** Assigns the next free extension of the zero-touch range when the phone qualifies; true when asked for. */
    private boolean zeroTouch(PhoneRecord rec) {
        Config c = config;
        org.osgi.service.cm.ConfigurationAdmin cm = configAdmin;
        if (!c.zeroTouch() || cm == null || rec.sighting == null) {
            return false;
        }
        List<String> vendors = List.of(c.zeroTouchVendors());
        boolean vendorOk = vendors.isEmpty() || vendors.stream().anyMatch(v -> v.trim().equalsIgnoreCase(rec.profile));
        boolean macOk = c.zeroTouchMacPrefixes().length == 0 || java.util.Arrays.stream(c.zeroTouchMacPrefixes())
                .map(p -> p.replaceAll("[^0-9A-Fa-f]", "").toLowerCase(Locale.ROOT))
                .anyMatch(p -> !p.isEmpty() && rec.mac.value().startsWith(p));
        if (!vendorOk || !macOk) {
            return false;
        }
        Optional<String> extension = nextFreeExtension(c.zeroTouchExtensions());
        if (extension.isEmpty()) {
            LOG.warn("Zero-touch: no free extension left in '{}' for phone {}; assign it by hand or widen pnp.core "
                    + "zeroTouchExtensions", c.zeroTouchExtensions(), rec.mac);
            return false;
        }
        zeroTouchReserved.add(extension.get());
        try {
            org.osgi.service.cm.Configuration conf = cm.getFactoryConfiguration(Assignment.FACTORY_PID,
                    "zt-" + rec.mac.value(), "?");
            if (conf.getProperties() != null) {
                return true;
            }
            java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
            props.put("mac", rec.mac.value());
            props.put("extension", extension.get());
            props.put("password", randomText(12));
            props.put("displayName", "Ext " + extension.get());
            conf.update(props);
            LOG.info("Zero-touch: phone {} ({} {}) assigned extension {}", rec.mac, rec.profile, rec.sighting.model(),
                    extension.get());
            return true;
        } catch (IOException | RuntimeException e) {
            zeroTouchReserved.remove(extension.get());
            LOG.warn("Zero-touch: cannot store the assignment of phone {}: {}", rec.mac, e.toString());
            return false;
        }
    }

    private Optional<String> nextFreeExtension(String range) {
        String[] ends = range.trim().split("\\s*-\\s*");
        if (ends.length != 2) {
            if (!range.isBlank()) {
                LOG.warn("pnp.core zeroTouchExtensions '{}' is not first-last (e.g. 200-299)", range);
            }
            return Optional.empty();
        }
        try {
            long first = Long.parseLong(ends[0]);
            long last = Long.parseLong(ends[1]);
            Set<String> used = new java.util.HashSet<>(zeroTouchReserved);
            assignmentsByPid.values().forEach(a -> used.add(a.extension()));
            for (long n = first; n <= last && n - first < 1_000_000; n++) {
                if (!used.contains(Long.toString(n))) {
                    return Optional.of(Long.toString(n));
                }
            }
        } catch (NumberFormatException e) {
            LOG.warn("pnp.core zeroTouchExtensions '{}' is not first-last (e.g. 200-299)", range);
        }
        return Optional.empty();
    }

    private PhoneRecord recordOf(MacAddress mac) {
        return records.computeIfAbsent(mac, PhoneRecord::new);
    }

    private void evictIfFull() {
        int excess = records.size() - config.maxPhones();
        while (excess-- > 0) {
            Optional<PhoneRecord> oldest = records.values().stream()
                    .filter(r -> !assignments.containsKey(r.mac) && r.sighting != null)
                    .min(Comparator.comparing(r -> r.sighting.time()));
            if (oldest.isEmpty()) {
                return;
            }
            PhoneRecord r = oldest.get();
            records.remove(r.mac);
            snapshots.remove(r.mac);
            dirty.remove(r.mac);
            deleteQuietly(r.mac);
            LOG.warn("Inventory holds more than {} phones: forgot unassigned phone {} (last heard {})",
                    config.maxPhones(), r.mac, r.sighting.time());
        }
    }

    private Optional<ProfileChoice> choose(PhoneRecord rec) {
        for (ProfileRef ref : profiles) {
            try {
                Claim claim = rec.sighting != null ? ref.profile().claim(rec.sighting) : ref.profile().claim(rec.mac);
                if (claim.claimed()) {
                    return Optional.of(new ProfileChoice(ref, claim));
                }
            } catch (RuntimeException e) {
                LOG.warn("Vendor profile {} failed to answer for phone {}: {}", ref.vendor(), rec.mac, e.toString());
            }
        }
        return Optional.empty();
    }

    private String noClaimReason(PhoneRecord rec) {
        if (profiles.isEmpty()) {
            return "no vendor bundle is installed";
        }
        List<String> reasons = new ArrayList<>();
        for (ProfileRef ref : profiles) {
            try {
                Claim c = rec.sighting != null ? ref.profile().claim(rec.sighting) : ref.profile().claim(rec.mac);
                reasons.add(ref.vendor() + ": " + c.reason());
            } catch (RuntimeException e) {
                reasons.add(ref.vendor() + ": " + e);
            }
        }
        return "no vendor bundle claims this phone (" + String.join("; ", reasons) + ")";
    }

    private String authentication() {
        String auth = config.httpAuthentication().trim().toLowerCase(Locale.ROOT);
        if (!auth.equals("off") && !auth.equals("basic") && !auth.equals("digest")) {
            LOG.warn("pnp.core httpAuthentication '{}' is not off, basic or digest: using off", auth);
            return "off";
        }
        return auth;
    }

    private static String randomText(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void publish(PhoneRecord rec, Rendering rendering, Credentials credentials) {
        Served old = servedByMac.get(rec.mac);
        Instant now = Instant.now();
        List<Served.Kept> files = new ArrayList<>();
        for (ProvisioningFile f : rendering.files()) {
            String etag = etag(f);
            Instant modified = now;
            if (old != null) {
                for (Served.Kept o : old.files()) {
                    if (o.shell().name().equals(f.name()) && o.etag().equals(etag)) {
                        modified = o.modified();
                    }
                }
            }
            boolean phoneFile = f.scope() == ProvisioningFile.Scope.PHONE;
            files.add(Served.Kept.of(phoneFile ? rec.mac : null, f, etag, modified, phoneFile ? credentials : null));
        }
        Served served = new Served(rec.mac, rec.token, List.copyOf(files), rec.sighting.sourceAddress());
        unpublish(rec.mac);
        servedByMac.put(rec.mac, served);
        servedByToken.put(rec.token, served);
        for (Served.Kept f : files) {
            if (f.shell().scope() == ProvisioningFile.Scope.COMMON) {
                commonFiles.put(f.shell().name().toLowerCase(Locale.ROOT), f);
                continue;
            }
            for (String name : names(f.shell())) {
                phoneFileNames.compute(name, (k, owners) -> withOwner(owners, rec.mac));
            }
        }
    }

    private void unpublish(MacAddress mac) {
        Served old = servedByMac.remove(mac);
        if (old == null) {
            return;
        }
        servedByToken.remove(old.token());
        for (Served.Kept f : old.files()) {
            if (f.shell().scope() == ProvisioningFile.Scope.PHONE) {
                for (String name : names(f.shell())) {
                    phoneFileNames.computeIfPresent(name, (k, owners) -> withoutOwner(owners, mac));
                }
            }
        }
    }

    /**
     * Most file names belong to one phone: those get an immutable one-element set (a concurrent set
     * each cost ~250 bytes, three names per phone); a name shared by a second phone gets a concurrent set.
     */
    static Set<MacAddress> withOwner(Set<MacAddress> owners, MacAddress mac) {
        if (owners == null) {
            return Set.of(mac);
        }
        if (owners.contains(mac)) {
            return owners;
        }
        if (owners instanceof ConcurrentHashMap.KeySetView<?, ?>) {
            owners.add(mac);
            return owners;
        }
        Set<MacAddress> shared = ConcurrentHashMap.newKeySet();
        shared.addAll(owners);
        shared.add(mac);
        return shared;
    }

    static Set<MacAddress> withoutOwner(Set<MacAddress> owners, MacAddress mac) {
        if (owners instanceof ConcurrentHashMap.KeySetView<?, ?>) {
            owners.remove(mac);
            return owners.isEmpty() ? null : owners;
        }
        return owners.contains(mac) ? null : owners;
    }

    private static Set<String> names(ProvisioningFile f) {
        Set<String> names = new LinkedHashSet<>(f.aliases());
        names.add(f.name().toLowerCase(Locale.ROOT));
        return names;
    }

    private void markDirty(PhoneRecord rec) {
        publishSnapshot(rec);
        dirty.add(rec.mac);
    }

    private void publishSnapshot(PhoneRecord rec) {
        Assignment a = assignments.get(rec.mac);
        snapshots.put(rec.mac, rec.snapshot(a == null ? "" : a.extension()));
    }

    /**
     * Hands every changed record to the store thread: formatted here (cheap, consistent with this
     * thread's state), written there, so that the worker never waits for the disk.
     */
    private void flush() {
        if (heardUnlogged > 0 && System.nanoTime() - heardWindowStart > HEARD_WINDOW_NANOS) {
            reportUnloggedHeard();
        }
        if (downloadsUnlogged > 0 && System.nanoTime() - downloadWindowStart > DOWNLOAD_WINDOW_NANOS) {
            reportUnloggedDownloads();
        }
        if (dirty.isEmpty()) {
            return;
        }
        Map<MacAddress, byte[]> batch = new LinkedHashMap<>();
        for (MacAddress mac : dirty) {
            PhoneRecord rec = records.get(mac);
            if (rec != null) {
                batch.put(mac, PhoneRecordStore.format(rec));
                rec.secretsUnsaved = false;
            }
        }
        dirty.clear();
        try {
            storeThread.execute(() -> write(batch));
        } catch (RejectedExecutionException e) {
            write(batch); // stopping: write it here
        }
    }

    private void write(Map<MacAddress, byte[]> batch) {
        try {
            store.write(batch);
        } catch (IOException e) {
            LOG.error("Cannot save {} phone record(s) in {}: {} (will retry in a second)", batch.size(),
                    store.directory(), e.toString());
            try {
                worker.schedule(() -> batch.keySet().stream().filter(records::containsKey).forEach(dirty::add), 1,
                        TimeUnit.SECONDS);
            } catch (RejectedExecutionException ex) {
                // stopping: nothing left to retry with
            }
        }
    }

    /** Saves one record now, waiting for the store thread: for secrets that are about to go out. */
    private void saveNow(PhoneRecord rec) throws IOException {
        byte[] content = PhoneRecordStore.format(rec);
        try {
            storeThread.submit(() -> {
                store.write(Map.of(rec.mac, content));
                return null;
            }).get(10, TimeUnit.SECONDS);
            rec.secretsUnsaved = false;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while saving phone " + rec.mac);
        } catch (TimeoutException | RejectedExecutionException e) {
            throw new IOException("could not save phone " + rec.mac + ": " + e);
        }
    }

    /** Deletes a record file on the store thread, after any write of it that is still queued. */
    private void deleteQuietly(MacAddress mac) {
        Runnable delete = () -> {
            try {
                store.delete(mac);
            } catch (IOException e) {
                LOG.warn("Cannot delete the record of phone {}: {}", mac, e.toString());
            }
        };
        try {
            storeThread.execute(delete);
        } catch (RejectedExecutionException e) {
            delete.run();
        }
    }

    private void post(String topic, PhoneRecord rec) {
        EventAdmin ea = events;
        if (ea == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(PhoneEvents.MAC, rec.mac.value());
        props.put(PhoneEvents.STATE, rec.state.name());
        props.put(PhoneEvents.REASON, rec.reason);
        if (!rec.profile.isEmpty()) {
            props.put(PhoneEvents.VENDOR, rec.profile);
        }
        if (rec.sighting != null) {
            props.put(PhoneEvents.MODEL, rec.sighting.model());
            props.put(PhoneEvents.ADDRESS, rec.sighting.sourceAddress());
        }
        if (rec.lastDownload != null && PhoneEvents.DOWNLOADED.equals(topic)) {
            props.put(PhoneEvents.FILE, rec.lastDownload.file());
        }
        ea.postEvent(new Event(topic, props));
    }

    // ---- URLs ----

    private static String serverHost(PhoneSighting s) {
        if (!s.localAddress().isEmpty()) {
            return s.localAddress();
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private String httpBase(String host) {
        ServerStatus.Endpoint https = endpoint("https");
        if (https != null) {
            return "https://" + hostPort(host, https.port(), 443) + "/provisioning/";
        }
        ServerStatus.Endpoint http = endpoint("http");
        int port = http != null ? http.port() : config.httpPort();
        return "http://" + hostPort(host, port, 80) + "/provisioning/";
    }

    private String tftpBase(String host) {
        ServerStatus.Endpoint tftp = endpoint("tftp");
        return tftp == null ? "" : "tftp://" + hostPort(host, tftp.port(), 69);
    }

    private ServerStatus.Endpoint endpoint(String protocol) {
        for (ServerStatus s : servers) {
            for (ServerStatus.Endpoint e : s.endpoints()) {
                if (e.protocol().equals(protocol) && e.listening()) {
                    return e;
                }
            }
        }
        return null;
    }

    private static String hostPort(String host, int port, int defaultPort) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return port == defaultPort ? h : h + ":" + port;
    }

    /**
     * The file's entity tag: its length, CRC-32 and Adler-32 (both computed natively; a content hash
     * like SHA-256 cost the inventory a fifth of its time in a boot storm). It only has to change when
     * the bytes do; two different versions of one phone's file sharing all three is not a practical risk.
     */
    static String etag(ProvisioningFile f) {
        byte[] content = f.content();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        java.util.zip.Adler32 adler = new java.util.zip.Adler32();
        adler.update(content);
        return "\"" + Integer.toHexString(content.length) + "-" + Long.toHexString(crc.getValue()) + "-"
                + Long.toHexString(adler.getValue()) + "\"";
    }

    private static String digest(String... parts) {
        return HexFormat.of().formatHex(sha256(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A profile with the service properties that order it. */
    record ProfileRef(VendorProfile profile, String vendor, int ranking, long serviceId) {
        static final Comparator<ProfileRef> BEST_FIRST = Comparator.comparingInt(ProfileRef::ranking).reversed()
                .thenComparingLong(ProfileRef::serviceId);

        static ProfileRef of(VendorProfile p, Map<String, Object> props) {
            Object vendor = props.get(VendorProfileService.VENDOR);
            Object ranking = props.get(Constants.SERVICE_RANKING);
            Object id = props.get(Constants.SERVICE_ID);
            return new ProfileRef(p, vendor == null ? p.getClass().getName() : vendor.toString(),
                    ranking instanceof Integer r ? r : 0, id instanceof Long l ? l : 0L);
        }
    }

    record ProfileChoice(ProfileRef ref, Claim claim) {
    }
}
