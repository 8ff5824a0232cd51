package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

import pnp.api.Claim;
import pnp.api.MacAddress;
import pnp.api.PhoneNotifier;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles;
import pnp.api.RenderRequest;
import pnp.api.Rendering;
import pnp.api.VendorProfile;
import pnp.api.VendorProfileService;

/**
 * The inventory built directly, with a fake profile and a fake notifier whose answers the test gives:
 * which phones are served, and its NOTIFY bookkeeping when the network loses packets: a NOTIFY stays pending for seconds
 * (retransmitted until answered, 32 s at most), and the phone's 200 may never arrive although the phone
 * got the NOTIFY and downloaded its files.
 */
class InventoryTest {

    static final MacAddress MAC = MacAddress.parse("808287e2e001").orElseThrow();
    static final MacAddress OTHER = MacAddress.parse("808287e2e0ff").orElseThrow();

    @TempDir
    Path dir;

    final List<CompletableFuture<NotifyOutcome>> notifies = new CopyOnWriteArrayList<>();
    final List<PhoneSighting> notified = new CopyOnWriteArrayList<>();
    final Profile profile = new Profile();
    Inventory inventory;
    Inventory.Config config;

    @BeforeEach
    void start() throws Exception {
        config = defaults();
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class },
                (proxy, method, args) -> method.getName().equals("getProperty") && "pnp.data".equals(args[0])
                        ? dir.toString() : null);
        inventory = new Inventory();
        inventory.activate(context, config);
        inventory.addProfile(profile, Map.of(VendorProfileService.VENDOR, "Test"));
        inventory.notifier = new PhoneNotifier() {
            @Override
            public CompletionStage<NotifyOutcome> notify(PhoneSighting to, String url, String contentType) {
                CompletableFuture<NotifyOutcome> f = new CompletableFuture<>();
                notified.add(to);
                notifies.add(f);
                return f;
            }
        };
        assign("pnp.phone~a", MAC, "pw-1");
    }

    @AfterEach
    void stop() throws InterruptedException {
        inventory.deactivate();
    }

    @Test
    void redispatchWhileANotifyIsPendingSendsNoSecond() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "first NOTIFY");
        inventory.modified(config); // re-dispatches every phone, as the end of the start-up grace does
        barrier();
        assertEquals(1, notifies.size(), "no second NOTIFY in the same dialog while the first is pending");
        notifies.get(0).complete(new NotifyOutcome(true, 200, "200 OK"));
        await(() -> state() == PhoneState.NOTIFIED, "answered");
        barrier();
        assertEquals(1, notifies.size());
    }

    @Test
    void changeWhileANotifyIsPendingIsNotifiedOnceItIsOver() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "first NOTIFY");
        assign("pnp.phone~a", MAC, "pw-2");
        barrier();
        assertEquals(1, notifies.size(), "the new files wait for the pending NOTIFY");
        notifies.get(0).complete(new NotifyOutcome(true, 200, "200 OK"));
        await(() -> notifies.size() == 2, "then one NOTIFY for the changed files");
    }

    @Test
    void unansweredNotifyAfterTheDownloadsKeepsTheStateProvisioned() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "first NOTIFY");
        // the phone got the NOTIFY, its 200 was lost; it downloads, reboots, downloads again
        InetAddress phone = InetAddress.getByName("10.200.0.21");
        for (int i = 0; i < 2; i++) {
            ProvisioningFiles.Lookup found = inventory.lookup(null, MAC.value() + ".cfg", phone, "tftp");
            inventory.downloaded(assertInstanceOf(ProvisioningFiles.Found.class, found), phone, "tftp", "");
        }
        await(() -> state() == PhoneState.PROVISIONED, "two downloads");
        notifies.get(0).complete(new NotifyOutcome(false, 0, "no answer (timeout)"));
        barrier();
        assertEquals(PhoneState.PROVISIONED, state(), "a phone that downloaded had the NOTIFY");
    }

    @Test
    void aPhoneThatRebootsWhileItsNotifyIsPendingIsNotifiedAtItsNewContact() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "first NOTIFY");
        inventory.sighted(sighting(5062)); // it rebooted: a new SUBSCRIBE from another port
        barrier();
        assertEquals(1, notifies.size(), "one NOTIFY at a time");
        // pnp.sip ends the NOTIFY to the old contact once it heard the new SUBSCRIBE
        notifies.get(0).complete(new NotifyOutcome(false, 0, "superseded: the phone subscribed again"));
        barrier(); // well before the start-up grace ends (10 s), whose re-dispatch would notify a FAILED phone
        assertEquals(PhoneState.ASSIGNED, state(), "the superseded NOTIFY is no failure");
        assertEquals(2, notifies.size(), "a NOTIFY to the new contact at once");
        assertEquals(5062, notified.get(1).contactPort());
        notifies.get(1).complete(new NotifyOutcome(true, 200, "200 OK"));
        await(() -> state() == PhoneState.NOTIFIED, "answered at the new contact");
    }

    @Test
    void aSubscribeFromTheSameContactWhileTheNotifyIsPendingAsksForNoSecond() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "first NOTIFY");
        inventory.sighted(sighting());
        notifies.get(0).complete(new NotifyOutcome(true, 200, "200 OK"));
        await(() -> state() == PhoneState.NOTIFIED, "answered");
        barrier();
        assertEquals(1, notifies.size(), "its retransmissions reach it where it listens");
    }

    @Test
    void unansweredNotifyWithoutDownloadFails() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "first NOTIFY");
        notifies.get(0).complete(new NotifyOutcome(false, 0, "no answer (timeout)"));
        await(() -> state() == PhoneState.FAILED, "failed");
    }

    @Test
    void aChangedLineKeyOrVoicemailIsNotifiedToAPhoneAlreadyServed() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "first NOTIFY");
        notifies.get(0).complete(new NotifyOutcome(true, 200, "200 OK"));
        await(() -> state() == PhoneState.NOTIFIED, "answered");
        assign("pnp.phone~a", MAC, "pw-1", Map.of("lineKeys", "1:blf:202:Anna"));
        await(() -> notifies.size() == 2, "a NOTIFY for the new line key");
        notifies.get(1).complete(new NotifyOutcome(true, 200, "200 OK"));
        assign("pnp.phone~a", MAC, "pw-1", Map.of("lineKeys", "1:blf:202:Anna B."));
        await(() -> notifies.size() == 3, "a NOTIFY for the line key's new label");
        notifies.get(2).complete(new NotifyOutcome(true, 200, "200 OK"));
        assign("pnp.phone~a", MAC, "pw-1", Map.of("lineKeys", "1:blf:202:Anna B.", "voicemail", "*97"));
        await(() -> notifies.size() == 4, "a NOTIFY for the new voicemail number");
        notifies.get(3).complete(new NotifyOutcome(true, 200, "200 OK"));
        assign("pnp.phone~a", MAC, "pw-1", Map.of("lineKeys", "1:blf:202:Anna B.", "voicemail", "*97"));
        barrier();
        assertEquals(4, notifies.size(), "the same assignment saved again changes nothing");
    }

    @Test
    void withHttpCredentialsAPhoneFileIsNotServedOverTftpAfterItsBootstrap() throws Exception {
        profile.credentials = true;
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "NOTIFY");
        InetAddress phone = InetAddress.getByName("10.200.0.21");
        assertInstanceOf(ProvisioningFiles.Found.class, inventory.lookup(null, MAC.value() + ".cfg", phone, "tftp"),
                "during its bootstrap the phone may fetch its first file over TFTP from its address");
        for (int i = 0; i < 2; i++) { // downloads, reboots, downloads again
            ProvisioningFiles.Found f = assertInstanceOf(ProvisioningFiles.Found.class,
                    inventory.lookup(null, MAC.value() + ".cfg", phone, "tftp"));
            inventory.downloaded(f, phone, "tftp", "");
        }
        await(() -> state() == PhoneState.PROVISIONED, "two downloads");
        await(() -> inventory.lookup(null, MAC.value() + ".cfg", phone, "tftp") instanceof ProvisioningFiles.NotFound,
                "bootstrap closed");
        ProvisioningFiles.NotFound refused = (ProvisioningFiles.NotFound) inventory.lookup(null, MAC.value() + ".cfg",
                phone, "tftp");
        assertTrue(refused.reason().contains("not over TFTP"), refused.reason());
        ProvisioningFiles.Lookup http = inventory.lookup(null, MAC.value() + ".cfg", phone, "http");
        assertEquals("digest", assertInstanceOf(ProvisioningFiles.Found.class, http).credentials().scheme(),
                "over HTTP the file is found with the credentials pnp.http asks for (digest by default)");
    }

    @Test
    void anUnassignedPhoneIsNotServed() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "NOTIFY");
        InetAddress phone = InetAddress.getByName("10.200.0.21");
        assertInstanceOf(ProvisioningFiles.Found.class, inventory.lookup(null, MAC.value() + ".cfg", phone, "tftp"));
        inventory.deleted("pnp.phone~a");
        await(() -> state() == PhoneState.CLAIMED, "unassigned");
        assertInstanceOf(ProvisioningFiles.NotFound.class, inventory.lookup(null, MAC.value() + ".cfg", phone, "tftp"));
    }

    @Test
    void aPhoneWhoseVendorLeftIsNotServed() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "NOTIFY");
        InetAddress phone = InetAddress.getByName("10.200.0.21");
        assertInstanceOf(ProvisioningFiles.Found.class, inventory.lookup(null, MAC.value() + ".cfg", phone, "tftp"));
        inventory.removeProfile(profile, Map.of(VendorProfileService.VENDOR, "Test"));
        await(() -> state() == PhoneState.UNCLAIMED, "unclaimed");
        assertInstanceOf(ProvisioningFiles.NotFound.class, inventory.lookup(null, MAC.value() + ".cfg", phone, "tftp"));
    }

    @Test
    void aDeployFileWithAnotherPhonesExtensionIsNotAppliedUntilTheOtherGoes() throws Exception {
        Hashtable<String, Object> p = new Hashtable<>(Map.of("mac", OTHER.value(), "extension", "201", "password", "x",
                "felix.fileinstall.filename", "file:/srv/pnp/deploy/pnp.phone-bob.cfg"));
        inventory.updated("pnp.phone~bob", p);
        inventory.sighted(new PhoneSighting(OTHER, "ATCOM", "A41", "2.6", "", "10.200.0.22", 5060, "10.200.0.22",
                5060, "vs", "10.200.0.1", true, Instant.now()));
        await(() -> inventory.phone(OTHER).map(ph -> ph.state() == PhoneState.CLAIMED).orElse(false), "heard");
        assertTrue(!inventory.phone(OTHER).orElseThrow().assigned(), "201 belongs to " + MAC);
        inventory.deleted("pnp.phone~a");
        await(() -> inventory.phone(OTHER).map(ph -> ph.assigned() && ph.extension().equals("201")).orElse(false),
                "the file takes effect once 201 is free");
    }

    private PhoneState state() {
        return inventory.phone(MAC).map(p -> p.state()).orElse(null);
    }

    private void assign(String pid, MacAddress mac, String password) {
        assign(pid, mac, password, Map.of());
    }

    private void assign(String pid, MacAddress mac, String password, Map<String, String> more) {
        Hashtable<String, Object> p = new Hashtable<>(more);
        p.put("mac", mac.value());
        p.put("extension", mac.equals(MAC) ? "201" : "299"); // one phone per extension
        p.put("password", password);
        inventory.updated(pid, p);
    }

    /** Waits until the inventory's worker has done everything asked of it so far (it works in order). */
    private void barrier() throws InterruptedException {
        String pid = "pnp.phone~barrier" + System.nanoTime();
        assign(pid, OTHER, "x");
        await(() -> inventory.phone(OTHER).isPresent(), "worker caught up");
        inventory.deleted(pid);
        await(() -> inventory.phone(OTHER).isEmpty(), "worker caught up");
    }

    private static PhoneSighting sighting() {
        return sighting(5060);
    }

    private static PhoneSighting sighting(int port) {
        return new PhoneSighting(MAC, "ATCOM", "A41", "2.6", "ATCOM A41 2.6", "10.200.0.21", port, "10.200.0.21",
                port, "vs", "10.200.0.1", true, Instant.now());
    }

    /** Polls for the condition, 15 s at most, counted in time (a loaded machine oversleeps). */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(25);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private static Inventory.Config defaults() {
        return (Inventory.Config) Proxy.newProxyInstance(InventoryTest.class.getClassLoader(),
                new Class<?>[] { Inventory.Config.class }, (proxy, method, args) -> method.getDefaultValue());
    }

    /** Claims every phone; one phone file whose content follows the password. */
    static class Profile implements VendorProfile {
        volatile boolean credentials;

        @Override
        public boolean supportsHttpCredentials() {
            return credentials;
        }

        @Override
        public Claim claim(PhoneSighting phone) {
            return Claim.mine("test");
        }

        @Override
        public Claim claim(MacAddress mac) {
            return Claim.mine("test");
        }

        @Override
        public Rendering render(RenderRequest request) {
            byte[] content = ("password=" + request.assignment().password() + "\n").getBytes(StandardCharsets.UTF_8);
            return new Rendering(List.of(ProvisioningFile.phone(request.assignment().mac().value() + ".cfg", content,
                    "text/plain")), "tftp://10.200.0.1", Rendering.APPLICATION_URL);
        }
    }
}
