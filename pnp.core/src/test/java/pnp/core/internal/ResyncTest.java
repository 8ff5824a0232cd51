package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneNotifier;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.ProvisioningFiles;
import pnp.api.ResyncEvent;
import pnp.api.ResyncOutcome;
import pnp.api.ResyncRequest;
import pnp.api.ResyncSender;
import pnp.api.ResyncSenderService;
import pnp.api.SipCredentials;
import pnp.api.VendorProfileService;

/**
 * The resync of running phones, with the inventory built directly, a fake profile, a fake sender whose
 * answers the test gives, and a clock the test moves (the inventory's 100 ms step reads it): when a
 * resync is sent, to where, what its outcome makes of the phone, and what survives a restart.
 */
class ResyncTest {

    static final MacAddress MAC = MacAddress.parse("000b82e2e001").orElseThrow();
    static final MacAddress OTHER = MacAddress.parse("000b82e2e0ff").orElseThrow();
    static final String PHONE_ADDRESS = "10.200.0.21";

    @TempDir
    Path dir;

    final MovableClock clock = new MovableClock();
    final List<CompletableFuture<NotifyOutcome>> notifies = new CopyOnWriteArrayList<>();
    final FakeSender sender = new FakeSender();
    final Profile profile = new Profile();
    Inventory inventory;

    @BeforeEach
    void start() throws Exception {
        inventory = activate();
        inventory.addProfile(profile, Map.of(VendorProfileService.VENDOR, "Test"));
        inventory.addResyncSender(sender, Map.of(ResyncSenderService.NAME, "fake", Constants.SERVICE_RANKING,
                ResyncSender.BUILT_IN_RANKING, Constants.SERVICE_ID, 1L));
        assign(MAC, "201", "pw-1");
    }

    @AfterEach
    void stop() throws InterruptedException {
        inventory.deactivate();
    }

    @Test
    void anEditedAssignmentIsResyncedAndTheDownloadMakesThePhoneResynced() throws Exception {
        provision();
        assign(MAC, "201", "pw-2");
        await(() -> state() == PhoneState.RESYNCING, "queued");
        barrier();
        assertEquals(0, sender.requests.size(), "not before the delay (several edits make one NOTIFY)");
        clock.advance(Duration.ofSeconds(5));
        await(() -> sender.requests.size() == 1, "resync sent after the delay");
        ResyncRequest r = sender.requests.get(0);
        assertEquals("check-sync;reboot=false", r.event().event());
        assertEquals("10.200.0.21", r.contactHost(), "the Contact of its latest SUBSCRIBE");
        assertEquals(5062, r.contactPort());
        assertEquals("pw-2", r.assignment().password(), "the account as assigned now");
        assertEquals(new SipCredentials("201", "pw-1"), r.credentials(),
                "the phone still holds the password of the file it downloaded: its challenge is answered with it");
        sender.answers.get(0).complete(ResyncOutcome.accepted(200, "200 OK"));
        await(() -> phone().reason().contains("waiting for the download"), "waits for the download");
        assertEquals(PhoneState.RESYNCING, state());
        download();
        await(() -> state() == PhoneState.RESYNCED, "resynced by the download");
        Phone.Resync resync = phone().resync();
        assertNotNull(resync.sent());
        assertNotNull(resync.downloaded());
        assertTrue(resync.bytesChanged(), "the phone got the new password");
        assertEquals("fake", resync.sender());
        assertEquals("ACCEPTED: 200 OK", resync.outcome());
        assertEquals(1, inventory.resyncProgress().resynced());
    }

    @Test
    void aChallengeIsAnsweredWithTheCredentialsOfTheFileThePhoneLastDownloadedAcrossRestarts() throws Exception {
        provision();
        assign(MAC, "202", "pw-2");
        await(() -> state() == PhoneState.RESYNCING, "queued");
        inventory.deactivate();
        inventory = activate();
        inventory.addProfile(profile, Map.of(VendorProfileService.VENDOR, "Test"));
        assign(MAC, "202", "pw-2");
        inventory.addResyncSender(sender, Map.of(ResyncSenderService.NAME, "fake"));
        await(() -> inventory.resyncProgress().queued() == 1, "queued again");
        clock.advance(Duration.ofSeconds(5));
        await(() -> sender.requests.size() == 1, "sent");
        assertEquals(new SipCredentials("201", "pw-1"), sender.requests.get(0).credentials(),
                "the credentials of its last download were saved, and the edit did not replace them");
        assertEquals("202", sender.requests.get(0).assignment().extension());
        sender.answers.get(0).complete(ResyncOutcome.accepted(200, "200 OK"));
        download();
        await(() -> state() == PhoneState.RESYNCED, "resynced");
        assertTrue(inventory.resync(MAC));
        await(() -> sender.requests.size() == 2, "sent again");
        assertEquals(new SipCredentials("202", "pw-2"), sender.requests.get(1).credentials(),
                "it downloaded the edited file: it holds the new account now");
        await(() -> journal().contains("sipPassword=pw-2"), "saved with the record (flushed once a second)");
        assertFalse(inventory.phone(MAC).orElseThrow().toString().contains("pw-"), "not in what readers see");
    }

    @Test
    void aDownloadOfBytesServedBeforeAnEditLeavesThePhoneWithItsOldCredentials() throws Exception {
        provision();
        InetAddress address = InetAddress.getByName(PHONE_ADDRESS);
        ProvisioningFiles.Found old = assertInstanceOf(ProvisioningFiles.Found.class,
                inventory.lookup(null, MAC.value() + ".cfg", address, "http"));
        assign(MAC, "201", "pw-2");
        barrier();
        inventory.downloaded(old, address, "http", "test"); // served pw-1 just before the edit, counted after it
        barrier();
        assertEquals(PhoneState.RESYNCING, state(), "the old bytes are not the change: still to be resynced");
        assertTrue(inventory.resync(MAC));
        await(() -> sender.requests.size() == 1, "sent");
        assertEquals("pw-1", sender.requests.get(0).credentials().password());
    }

    @Test
    void severalEditsInARowMakeOneNotify() throws Exception {
        provision();
        assign(MAC, "201", "pw-2");
        barrier();
        clock.advance(Duration.ofSeconds(3));
        barrier();
        assign(MAC, "201", "pw-3");
        barrier();
        clock.advance(Duration.ofSeconds(3));
        barrier();
        assertEquals(0, sender.requests.size(), "the second edit restarted the delay");
        clock.advance(Duration.ofSeconds(3));
        await(() -> sender.requests.size() == 1, "one resync");
        barrier();
        assertEquals(1, sender.requests.size());
        assertEquals("pw-3", sender.requests.get(0).assignment().password());
    }

    @Test
    void theSameAssignmentSavedAgainSendsNothing() throws Exception {
        provision();
        assign(MAC, "201", "pw-1");
        barrier();
        clock.advance(Duration.ofSeconds(10));
        barrier();
        assertEquals(0, sender.requests.size());
        assertEquals(PhoneState.DOWNLOADED, state());
    }

    @Test
    void acceptedWithoutDownloadFailsWhenTheWaitIsOver() throws Exception {
        provisionAndResync();
        sender.answers.get(0).complete(ResyncOutcome.accepted(200, "200 OK"));
        await(() -> phone().reason().contains("waiting for the download"), "waits");
        clock.advance(Duration.ofSeconds(119));
        barrier();
        assertEquals(PhoneState.RESYNCING, state());
        clock.advance(Duration.ofSeconds(1));
        await(() -> state() == PhoneState.RESYNC_FAILED, "failed after 120 s");
        assertEquals("NOTIFY accepted, no download within 120 s", phone().reason());
        assertEquals("NOTIFY accepted, no download within 120 s", phone().resync().reason());
        assertEquals(1, inventory.resyncProgress().failed());
        download();
        await(() -> state() == PhoneState.RESYNCED, "a later download still counts: the phone has its files");
    }

    @Test
    void eachOtherOutcomeFailsWithAReasonAnAdminCanActOn() throws Exception {
        provisionAndResync();
        sender.answers.get(0).complete(ResyncOutcome.noAnswer(""));
        await(() -> state() == PhoneState.RESYNC_FAILED, "no answer");
        assertEquals("no answer", phone().reason());

        resyncAgain(2);
        sender.answers.get(1).complete(ResyncOutcome.rejected(481, "481 Call/Transaction Does Not Exist"));
        await(() -> phone().reason().startsWith("481"), "481");
        assertEquals(PhoneState.RESYNC_FAILED, state());

        resyncAgain(3);
        sender.answers.get(2).complete(ResyncOutcome.demandsAuthentication(401, "401 Unauthorized"));
        await(() -> phone().reason().startsWith("demands authentication"), "challenge");

        resyncAgain(4);
        sender.answers.get(3).completeExceptionally(new IllegalStateException("stack stopped"));
        await(() -> phone().reason().equals("not sent: stack stopped"), "an exception is recorded, not thrown");
    }

    @Test
    void aDownloadBeforeTheAnswerMakesThePhoneResynced() throws Exception {
        provisionAndResync();
        download();
        await(() -> state() == PhoneState.RESYNCED, "resynced");
        sender.answers.get(0).complete(ResyncOutcome.noAnswer("timeout"));
        barrier();
        assertEquals(PhoneState.RESYNCED, state(), "the phone had the NOTIFY: its 200 was lost");
    }

    @Test
    void aVendorWithoutResyncEventSaysItsPhonesCannotBeTold() throws Exception {
        profile.event = null;
        provisionAndResync(0);
        await(() -> state() == PhoneState.RESYNC_FAILED, "cannot be told");
        assertEquals(Resyncs.CANNOT_BE_TOLD, phone().reason());
        assertEquals(0, sender.requests.size());
    }

    @Test
    void theSenderWithTheHighestRankingSends() throws Exception {
        FakeSender pbx = new FakeSender();
        inventory.addResyncSender(pbx, Map.of(ResyncSenderService.NAME, "PBX", Constants.SERVICE_ID, 7L));
        FakeSender lower = new FakeSender();
        inventory.addResyncSender(lower, Map.of(ResyncSenderService.NAME, "other", Constants.SERVICE_ID, 8L));
        provisionAndResync(0);
        await(() -> pbx.requests.size() == 1, "the PBX's sender (ranking 0) over the built-in one");
        assertEquals(0, sender.requests.size());
        assertEquals(0, lower.requests.size(), "same ranking: the lower service id wins");
        assertEquals("PBX", phone().resync().sender());
    }

    @Test
    void withoutASenderResyncsWaitInTheQueue() throws Exception {
        inventory.removeResyncSender(sender, Map.of(ResyncSenderService.NAME, "fake"));
        provision();
        assign(MAC, "201", "pw-2");
        barrier();
        clock.advance(Duration.ofSeconds(10));
        barrier();
        assertEquals(1, inventory.resyncProgress().queued());
        inventory.addResyncSender(sender, Map.of(ResyncSenderService.NAME, "fake"));
        await(() -> sender.requests.size() == 1, "sent once a sender is there");
    }

    @Test
    void aResyncAskedForIsSentAtOnceAndOnlyToARunningPhone() throws Exception {
        assertFalse(inventory.resync(MAC), "never heard");
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "NOTIFY");
        assertFalse(inventory.resync(MAC), "not provisioned yet: renotify is for that");
        notifies.get(0).complete(new NotifyOutcome(true, 200, "200 OK"));
        download();
        await(() -> state() == PhoneState.DOWNLOADED, "downloaded");
        assertTrue(inventory.resync(MAC));
        await(() -> sender.requests.size() == 1, "no delay for an administrator's request");
    }

    @Test
    void theQueueSendsAtTheConfiguredRate() throws Exception {
        inventory.modified(config(Map.of("resyncPerSecond", 5)));
        provision();
        for (int i = 0; i < 12; i++) {
            MacAddress m = MacAddress.parse(String.format("000b8200%04x", i)).orElseThrow();
            assign(m, "3" + String.format("%02d", i), "x");
            inventory.sighted(sighting(m));
        }
        await(() -> notifies.size() == 13, "12 more NOTIFYs");
        for (int i = 1; i < 13; i++) {
            notifies.get(i).complete(new NotifyOutcome(true, 200, "200 OK"));
        }
        for (Phone p : inventory.phones()) {
            if (!p.mac().equals(MAC) && !p.mac().equals(OTHER)) {
                download(p.mac());
            }
        }
        await(() -> inventory.phones().stream().filter(p -> p.state() == PhoneState.DOWNLOADED).count() == 13,
                "all running");
        for (Phone p : inventory.phones()) {
            assertTrue(inventory.resync(p.mac()));
        }
        await(() -> sender.requests.size() == 5, "one second's worth");
        barrier();
        barrier();
        assertEquals(5, sender.requests.size(), "no more until the clock moves");
        assertEquals(8, inventory.resyncProgress().queued());
        clock.advance(Duration.ofSeconds(1));
        await(() -> sender.requests.size() == 10, "five more a second later");
        clock.advance(Duration.ofSeconds(1));
        await(() -> sender.requests.size() == 13, "all of them, none lost");
        assertEquals(13, inventory.resyncProgress().sent());
    }

    @Test
    void theResyncRecordSurvivesARestart() throws Exception {
        provisionAndResync();
        sender.answers.get(0).complete(ResyncOutcome.rejected(481, "481 Call/Transaction Does Not Exist"));
        await(() -> state() == PhoneState.RESYNC_FAILED, "failed");
        Phone before = phone();
        inventory.deactivate();
        inventory = activate();
        inventory.addProfile(profile, Map.of(VendorProfileService.VENDOR, "Test"));
        await(() -> inventory.phone(MAC).isPresent(), "loaded");
        assertEquals(PhoneState.RESYNC_FAILED, state());
        assertEquals(before.resync(), phone().resync());
        assertEquals(before.reason(), phone().reason());
    }

    @Test
    void aResyncQueuedWhenTheServerStoppedIsSentAfterTheStart() throws Exception {
        provision();
        assign(MAC, "201", "pw-2");
        await(() -> state() == PhoneState.RESYNCING, "queued");
        inventory.deactivate();
        inventory = activate();
        inventory.addProfile(profile, Map.of(VendorProfileService.VENDOR, "Test"));
        assign(MAC, "201", "pw-2");
        inventory.addResyncSender(sender, Map.of(ResyncSenderService.NAME, "fake"));
        await(() -> inventory.resyncProgress().queued() == 1, "queued again");
        clock.advance(Duration.ofSeconds(5));
        await(() -> sender.requests.size() == 1, "sent");
        assertNull(phone().resync().downloaded());
    }

    // ---- helpers ----

    /** The phone SUBSCRIBEs, accepts its NOTIFY and downloads its file: it runs with it. */
    private void provision() throws Exception {
        inventory.sighted(sighting());
        await(() -> notifies.size() == 1, "NOTIFY");
        notifies.get(0).complete(new NotifyOutcome(true, 200, "200 OK"));
        await(() -> state() == PhoneState.NOTIFIED, "notified");
        download();
        await(() -> state() == PhoneState.DOWNLOADED, "downloaded");
    }

    private void provisionAndResync() throws Exception {
        provisionAndResync(1);
    }

    private void provisionAndResync(int expectedRequests) throws Exception {
        provision();
        assign(MAC, "201", "pw-2");
        await(() -> state() == PhoneState.RESYNCING, "queued");
        clock.advance(Duration.ofSeconds(5));
        await(() -> sender.requests.size() == expectedRequests && (expectedRequests == 0
                || phone().resync().sent() != null), "resync sent");
    }

    private void resyncAgain(int n) throws Exception {
        assertTrue(inventory.resync(MAC));
        await(() -> sender.requests.size() == n, "resync " + n);
    }

    private void download() throws Exception {
        download(MAC);
    }

    private void download(MacAddress mac) throws Exception {
        InetAddress phone = InetAddress.getByName(PHONE_ADDRESS);
        ProvisioningFiles.Lookup found = inventory.lookup(null, mac.value() + ".cfg", phone, "http");
        inventory.downloaded(assertInstanceOf(ProvisioningFiles.Found.class, found), phone, "http", "test");
    }

    private Inventory activate() throws Exception {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class },
                (proxy, method, args) -> method.getName().equals("getProperty") && "pnp.data".equals(args[0])
                        ? dir.toString() : null);
        Inventory i = new Inventory();
        i.clock = clock;
        i.activate(context, config(Map.of()));
        i.notifier = new PhoneNotifier() {
            @Override
            public CompletionStage<NotifyOutcome> notify(PhoneSighting to, String url, String contentType) {
                CompletableFuture<NotifyOutcome> f = new CompletableFuture<>();
                notifies.add(f);
                return f;
            }
        };
        return i;
    }

    private String journal() {
        try {
            return Files.readString(dir.resolve("phones/" + PhoneRecordStore.JOURNAL));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private Phone phone() {
        return inventory.phone(MAC).orElseThrow();
    }

    private PhoneState state() {
        return inventory.phone(MAC).map(Phone::state).orElse(null);
    }

    private void assign(MacAddress mac, String extension, String password) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("mac", mac.value());
        p.put("extension", extension);
        p.put("password", password);
        inventory.updated("pnp.phone~" + mac.value(), p);
    }

    /** Waits until the inventory's worker has done everything asked of it so far (it works in order). */
    private void barrier() throws InterruptedException {
        String pid = "pnp.phone~barrier" + System.nanoTime();
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("mac", OTHER.value());
        p.put("extension", "299");
        p.put("password", "x");
        inventory.updated(pid, p);
        await(() -> inventory.phone(OTHER).isPresent(), "worker caught up");
        inventory.deleted(pid);
        await(() -> inventory.phone(OTHER).isEmpty(), "worker caught up");
        Thread.sleep(250); // and the 100 ms resync step has run at least once with the clock as it is
    }

    private static PhoneSighting sighting() {
        return sighting(MAC);
    }

    private static PhoneSighting sighting(MacAddress mac) {
        return new PhoneSighting(mac, "Grandstream", "GXP2170", "1.0", "Grandstream GXP2170 1.0", PHONE_ADDRESS,
                5062, PHONE_ADDRESS, 5062, "vs", "10.200.0.1", true, Instant.now());
    }

    /** Polls for the condition, 15 s at most, counted in time (a loaded machine oversleeps). */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(25);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    static Inventory.Config config(Map<String, Object> values) {
        return (Inventory.Config) Proxy.newProxyInstance(ResyncTest.class.getClassLoader(),
                new Class<?>[] { Inventory.Config.class },
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    /** Sends nothing: records each request and answers when the test completes its stage. */
    static final class FakeSender implements ResyncSender {
        final List<ResyncRequest> requests = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<ResyncOutcome>> answers = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<ResyncOutcome> send(ResyncRequest request) {
            CompletableFuture<ResyncOutcome> f = new CompletableFuture<>();
            answers.add(f);
            requests.add(request);
            return f;
        }
    }

    /** Time that moves only when the test says so. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2024-05-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** {@link InventoryTest.Profile} with a Yealink-like resync event, unless set to null. */
    static final class Profile extends InventoryTest.Profile {
        volatile ResyncEvent event = new ResyncEvent("check-sync;reboot=false", false, false, false);

        @Override
        public Optional<ResyncEvent> resyncEvent(Phone phone) {
            return Optional.ofNullable(event);
        }
    }
}
