package pnp.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

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
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Assignment;
import pnp.api.AssignmentProperties;
import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneInventory;
import pnp.api.PhoneNotifier;
import pnp.api.PhoneSighting;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles;
import pnp.api.ResyncProgress;
import pnp.api.ResyncSender;
import pnp.api.Reask;
import pnp.api.RenderRequest;
import pnp.api.ServerStatus;
import pnp.api.VendorProfile;

/**
 * The phone inventory: records what {@code pnp.sip} hears, offers phones to the
 * {@link VendorProfiles}, joins them with their assignments (the {@code pnp.phone} factory
 * configurations, kept in an {@link AssignmentTable}), has the claiming profile render the files
 * ({@link PhoneFileRenderer}), asks {@code pnp.sip} for the NOTIFY and serves the files to
 * {@code pnp.http} and {@code pnp.tftp}. See the README's Design section.
 *
 * <p>A thin component: the state machine and its worker thread are in {@link PhoneStateMachine}, the
 * served files and their access rules in {@link ServedFiles}. Threading: every method may be called from
 * any thread and returns at once.
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
                description = "Past this, the phones without assignment with the least evidence (unclaimed, heard once, "
                        + "longest ago) are forgotten.")
        int maxPhones() default 20000;

        @AttributeDefinition(name = "Most unassigned phones per address",
                description = "Heard phones without assignment from one source address; past this, those with the least "
                        + "evidence are forgotten (protects against made-up MACs). Raise it for phones behind a NAT. 0: no bound.")
        int maxUnassignedPerAddress() default 16;

        @AttributeDefinition(name = "Most unassigned phones per subnet",
                description = "The same per /24 (IPv4) or /64 (IPv6) subnet. 0: no bound.")
        int maxUnassignedPerSubnet() default 256;

        @AttributeDefinition(name = "TFTP: only to the phone's address",
                description = "Serve a phone's own file over TFTP only to the address its SUBSCRIBE came from. false (relaxation): a file name only one phone has goes to any address; RISK: anyone on the LAN who knows the MAC downloads the SIP password of a phone without HTTP credentials.")
        boolean tftpOnlyToSubscriber() default true;

        @AttributeDefinition(name = "HTTP: only to the phone's address",
                description = "Serve a phone's files over HTTP only to the address its SUBSCRIBE came from (the URL's token is always required). false (default, a relaxation for phones behind NAT or with several addresses): RISK: whoever holds the token and, after the bootstrap, the phone's HTTP credentials downloads from anywhere.")
        boolean httpOnlyToSubscriber() default false;

        @AttributeDefinition(name = "HTTP port used in URLs when pnp.http reports none")
        int httpPort() default 5481;

        @AttributeDefinition(name = "HTTP authentication per phone",
                description = "digest (default) or basic: each phone whose vendor supports it gets its own HTTP user and password in its first file, and after its one-shot bootstrap every download must authenticate (use basic only with HTTPS: it sends the password in clear). off (relaxation): the URL's secret token alone protects a phone's files after its bootstrap; RISK: whoever learns the token (a copied file, a captured HTTP request) downloads the SIP password.",
                options = { @org.osgi.service.metatype.annotations.Option(label = "off", value = "off"),
                        @org.osgi.service.metatype.annotations.Option(label = "basic", value = "basic"),
                        @org.osgi.service.metatype.annotations.Option(label = "digest", value = "digest") })
        String httpAuthentication() default "digest";

        @AttributeDefinition(name = "Bootstrap window (minutes)",
                description = "The URL in a NOTIFY serves the phone's files without authentication until the phone has downloaded them and come back once after its reboot, or this long after its first download. Longer (relaxation) gives slow phones time; RISK: whoever obtains the URL meanwhile downloads the SIP password.")
        int bootstrapWindowMinutes() default 15;

        @AttributeDefinition(name = "Re-provision a phone asking again from its own address",
                description = "A provisioned phone that sends a PnP SUBSCRIBE again from the address and model it is bound to (a factory reset) gets a new bootstrap without approval, if the SUBSCRIBE's Contact host is its source address; the bootstrap then serves only that address. RISK: a device that can send from and receive at the phone's address (it took the address over) gets the files. false: every such request waits for approval on the Phones page.")
        boolean reprovisionOwnAddress() default true;

        @AttributeDefinition(name = "Resync: wait for the download (seconds)",
                description = "After a phone accepted its resync NOTIFY, how long to wait for it to download its files before it is shown RESYNC_FAILED.")
        int resyncWaitSeconds() default 120;

        @AttributeDefinition(name = "Resync: NOTIFYs per second",
                description = "The rate resync NOTIFYs are sent at; more phones wait in a queue, none is dropped.")
        int resyncPerSecond() default 20;

        @AttributeDefinition(name = "Resync: delay after a change (seconds)",
                description = "A running phone whose files changed is told after this delay, so that several edits in a row make one NOTIFY.")
        int resyncDelaySeconds() default 5;

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

    private final VendorProfiles profiles = new VendorProfiles();
    private final ProvisioningUrls urls = new ProvisioningUrls();
    private final ServedFiles served = new ServedFiles();
    private final PhoneEventPoster events = new PhoneEventPoster(() -> this.eventAdmin);
    private final ResyncSenders senders = new ResyncSenders();
    /** The resyncs' clock; tests set their own before activation. */
    Clock clock = Clock.systemUTC();
    private volatile String refusalScheme = "off";
    /** Between activate and deactivate. */
    private volatile PhoneStateMachine phones;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile PhoneNotifier notifier;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Activate
    void activate(BundleContext context, Config config) throws IOException {
        String data = Optional.ofNullable(context.getProperty("pnp.data"))
                .orElse(Path.of(System.getProperty("user.dir"), "data").toString());
        served.rules(rules(config));
        refusalScheme = PhoneFileRenderer.authentication(config.httpAuthentication());
        phones = new PhoneStateMachine(Path.of(data, "phones"), config, profiles, urls, served, () -> notifier,
                events, senders, clock);
        phones.start();
    }

    @Modified
    void modified(Config config) {
        served.rules(rules(config));
        refusalScheme = PhoneFileRenderer.authentication(config.httpAuthentication());
        phones.configure(config);
    }

    private static ServedFiles.AccessRules rules(Config config) {
        return new ServedFiles.AccessRules(config.tftpOnlyToSubscriber(), config.httpOnlyToSubscriber());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (!phones.stop()) {
            LOG.warn("Inventory did not stop within 10 s; recent phone changes may not be saved");
        }
    }

    // ---- whiteboard ----

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedProfile")
    void addProfile(VendorProfile profile, Map<String, Object> props) {
        VendorProfiles.ProfileRef ref = profiles.add(profile, props);
        LOG.info("Vendor profile {} arrived (ranking {}); offering it the phones", ref.vendor(), ref.ranking());
        profilesChanged();
        warmUp(profile, ref.vendor());
    }

    /**
     * Renders a made-up phone once, off the worker, and throws the files away: a vendor's first rendering
     * loads its template engine and parses its templates (seconds with the C1 compiler), which the first
     * phone of a boot storm would otherwise wait for on the worker, long enough for phones to give up.
     */
    private static void warmUp(VendorProfile profile, String vendor) {
        Thread t = new Thread(() -> {
            try {
                Assignment sample = new Assignment(MacAddress.parse("020000000001").orElseThrow(), "100", "100", "100",
                        "warm-up-only", "Warm-up", "", 0, "", List.of(), List.of(), Map.of());
                profile.render(new RenderRequest(sample, "", "192.0.2.1", "http://192.0.2.1/provisioning/warm-up/",
                        "tftp://192.0.2.1", "", "", 1));
            } catch (RuntimeException e) {
                LOG.debug("Warm-up rendering of {} failed: {}", vendor, e.toString());
            }
        }, "pnp-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Its configuration changed (a vendor setting): its phones' files are rendered again, changes resynced. */
    void updatedProfile(VendorProfile profile, Map<String, Object> props) {
        LOG.info("Vendor profile {} changed; rendering its phones' files again", profiles.remove(profile, props));
        profiles.add(profile, props);
        profilesChanged();
    }

    void removeProfile(VendorProfile profile, Map<String, Object> props) {
        LOG.info("Vendor profile {} left; its phones are no longer served", profiles.remove(profile, props));
        profilesChanged();
    }

    private void profilesChanged() {
        PhoneStateMachine p = phones;
        if (p != null) { // before activation, the start offers every phone to the profiles anyway
            p.profilesChanged();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addServer(ServerStatus s) {
        urls.addServer(s);
    }

    void removeServer(ServerStatus s) {
        urls.removeServer(s);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedResyncSender")
    void addResyncSender(ResyncSender sender, Map<String, Object> props) {
        ResyncSenders.SenderRef ref = senders.add(sender, props);
        LOG.info("Resync sender {} arrived (ranking {}); {} sends resyncs now", ref.name(), ref.ranking(),
                senders.best().map(ResyncSenders.SenderRef::name).orElse("none"));
    }

    void updatedResyncSender(ResyncSender sender, Map<String, Object> props) {
        senders.update(sender, props);
    }

    void removeResyncSender(ResyncSender sender, Map<String, Object> props) {
        senders.remove(sender);
        LOG.info("Resync sender {} left; {} sends resyncs now", ResyncSenders.SenderRef.of(sender, props).name(),
                senders.best().map(ResyncSenders.SenderRef::name).orElse("none (resyncs wait in the queue)"));
    }

    // ---- PhoneInventory ----

    @Override
    public void sighted(PhoneSighting sighting) {
        phones.sighted(sighting);
    }

    @Override
    public List<Phone> phones() {
        return phones.phones();
    }

    @Override
    public Optional<Phone> phone(MacAddress mac) {
        return phones.phone(mac);
    }

    @Override
    public boolean renotify(MacAddress mac) {
        return phones.renotify(mac);
    }

    @Override
    public boolean resync(MacAddress mac) {
        return phones.resync(mac);
    }

    @Override
    public ResyncProgress resyncProgress() {
        return phones.resyncProgress();
    }

    @Override
    public boolean forget(MacAddress mac) {
        return phones.forget(mac);
    }

    @Override
    public Optional<Reask> reask(MacAddress mac) {
        return phones.reask(mac);
    }

    @Override
    public boolean approveReask(MacAddress mac) {
        return phones.approveReask(mac);
    }

    @Override
    public boolean ignoreReask(MacAddress mac) {
        return phones.ignoreReask(mac);
    }

    @Override
    public boolean rotateSecrets(MacAddress mac) {
        return phones.rotateSecrets(mac);
    }

    // ---- ManagedServiceFactory: pnp.phone ----

    @Override
    public String getName() {
        return "PnP phone assignments";
    }

    /** Called by Config Admin on its own thread: the properties are read here, applied on the worker. */
    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        String source = Optional.ofNullable(properties.get("felix.fileinstall.filename"))
                .map(f -> "file " + filePath(f.toString()) + " (" + pid + ")").orElse("configuration " + pid);
        Assignment parsed;
        try {
            parsed = AssignmentProperties.parse(properties);
        } catch (AssignmentProperties.InvalidAssignmentException e) {
            LOG.warn("Ignoring phone assignment in {}: {} (keys present: {})", source, LogText.of(e.getMessage()),
                    Collections.list(properties.keys()));
            phones.unassign(pid);
            return;
        }
        List<String> unknown = AssignmentProperties.unknownKeys(properties);
        if (!unknown.isEmpty()) {
            LOG.warn("Phone assignment in {} has unknown keys {} (ignored); known keys: {}", source, unknown,
                    AssignmentProperties.KEYS.stream().sorted().toList());
        }
        phones.assign(pid, parsed, source);
    }

    /** FileInstall names the file as a URI: the admin knows it as a path. */
    static String filePath(String fileInstallName) {
        try {
            return fileInstallName.startsWith("file:") ? Path.of(URI.create(fileInstallName)).toString()
                    : fileInstallName;
        } catch (IllegalArgumentException e) {
            return fileInstallName;
        }
    }

    @Override
    public void deleted(String pid) {
        phones.unassign(pid);
    }

    // ---- ProvisioningFiles: any thread ----

    @Override
    public Lookup lookup(String token, String name, InetAddress requester, String protocol) {
        return served.lookup(token, name, requester, protocol);
    }

    @Override
    public String refusalScheme() {
        return refusalScheme;
    }

    @Override
    public void downloaded(Found file, InetAddress requester, String protocol, String userAgent) {
        if (file.mac() == null || file.file().scope() == ProvisioningFile.Scope.COMMON) {
            return;
        }
        phones.downloaded(file.mac(), new Phone.Download(file.file().name(), protocol, requester.getHostAddress(),
                userAgent, Instant.now()), ServedFiles.digestOf(file.etag()));
    }

    /**
     * Tells one file's bytes from another's (a resync reports whether the phone got new ones): length,
     * CRC-32 and Adler-32, computed natively, as {@link ServedFiles#etag}. SHA-256 here and in
     * {@code filesDigest} cost the worker about a seventh of its time in sip-bench.
     */
    static String digest(byte[] content) {
        return digest(java.nio.ByteBuffer.wrap(content));
    }

    /** As {@link #digest(byte[])}, of the buffer's remaining bytes (its position is left as it was). */
    static String digest(java.nio.ByteBuffer content) {
        CRC32 crc = new CRC32();
        crc.update(content.duplicate());
        Adler32 adler = new Adler32();
        adler.update(content.duplicate());
        return Integer.toHexString(content.remaining()) + "-" + Long.toHexString(crc.getValue()) + "-"
                + Long.toHexString(adler.getValue());
    }
}
