package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import pnp.api.ProvisioningFiles.Found;
import pnp.api.RenderRequest;
import pnp.api.Rendering;
import pnp.api.VendorProfile;
import pnp.api.VendorProfileService;

/**
 * Bootstrap, binding, approval and rotation through the inventory built directly (fake profile whose
 * phones support HTTP credentials, fake notifier answering 200), across a restart on the same journal.
 */
class CredentialsFlowTest {

    static final MacAddress MAC = MacAddress.parse("000b82e2e001").orElseThrow();
    static final String PHONE = "10.200.0.21";
    static final String OTHER = "10.200.0.66";
    static final String FILE = MAC.value() + ".cfg";

    @TempDir
    Path dir;

    record Sent(PhoneSighting to, String url) {
    }

    final List<Sent> notifies = new CopyOnWriteArrayList<>();
    Inventory inventory;

    @BeforeEach
    void start() throws Exception {
        inventory = started();
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("mac", MAC.value());
        p.put("extension", "201");
        p.put("password", "sip-secret");
        inventory.updated("pnp.phone~a", p);
    }

    private Inventory started() throws Exception {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class },
                (proxy, method, args) -> method.getName().equals("getProperty") && "pnp.data".equals(args[0])
                        ? dir.toString() : null);
        Inventory inv = new Inventory();
        // renotifyAfterSeconds 0: a phone may ask again at once (a factory reset right after its provisioning)
        inv.activate(context, (Inventory.Config) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { Inventory.Config.class }, (proxy, method, args) -> method.getName()
                        .equals("renotifyAfterSeconds") ? 0 : method.getDefaultValue()));
        inv.addProfile(new Profile(), Map.of(VendorProfileService.VENDOR, "Test"));
        inv.notifier = new PhoneNotifier() {
            @Override
            public CompletionStage<NotifyOutcome> notify(PhoneSighting to, String url, String contentType) {
                notifies.add(new Sent(to, url));
                return CompletableFuture.completedFuture(new NotifyOutcome(true, 200, "200 OK"));
            }
        };
        return inv;
    }

    @AfterEach
    void stop() throws InterruptedException {
        inventory.deactivate();
    }

    /** The phone is notified, downloads, reboots, downloads again: its bootstrap is over. */
    private String provision() throws Exception {
        inventory.sighted(sighting(PHONE, PHONE));
        await(() -> notifies.size() == 1, "NOTIFY");
        String token = token(notifies.get(0).url());
        for (int i = 0; i < 2; i++) {
            Found f = found(token, PHONE);
            assertNull(f.credentials(), "the bootstrap download needs no credentials");
            inventory.downloaded(f, ip(PHONE), "http", "");
        }
        await(() -> found(token, PHONE).credentials() != null, "bootstrap closed");
        await(() -> inventory.phone(MAC).orElseThrow().state() == PhoneState.PROVISIONED, "provisioned");
        return token;
    }

    @Test
    void aSubscribeFromAnotherAddressGetsNoUrlMovesNothingAndWaitsForApproval() throws Exception {
        String token = provision();
        inventory.sighted(sighting(OTHER, OTHER));
        await(() -> inventory.reask(MAC).isPresent(), "re-ask recorded");
        assertEquals(1, notifies.size(), "no NOTIFY for the asker");
        assertEquals(PHONE, inventory.phone(MAC).orElseThrow().lastSighting().sourceAddress(), "the phone stays where it is");
        assertEquals("asks to be provisioned again from " + OTHER + " (was " + PHONE + ")",
                inventory.reask(MAC).orElseThrow().summary());
        assertNotNull(found(token, PHONE).credentials(), "the real phone keeps downloading with its credentials");
        assertInstanceOf(ProvisioningFiles.NotFound.class, inventory.lookup(null, FILE, ip(OTHER), "tftp"));
    }

    @Test
    void approvalProvisionsTheAskerAndRotatesTheSecrets() throws Exception {
        String old = provision();
        Found before = found(old, PHONE);
        inventory.sighted(sighting(OTHER, OTHER));
        await(() -> inventory.reask(MAC).isPresent(), "re-ask recorded");
        assertTrue(inventory.approveReask(MAC));
        await(() -> notifies.size() == 2, "NOTIFY to the asker");
        assertEquals(OTHER, notifies.get(1).to().sourceAddress());
        String fresh = token(notifies.get(1).url());
        assertNotEquals(old, fresh, "a new token");
        assertInstanceOf(ProvisioningFiles.NotFound.class, inventory.lookup(old, FILE, ip(PHONE), "http"),
                "the old token no longer works");
        assertInstanceOf(ProvisioningFiles.NotFound.class, inventory.lookup(fresh, FILE, ip(PHONE), "http"),
                "the new bootstrap is open to the asker's address only");
        Found now = found(fresh, OTHER);
        assertNull(now.credentials());
        assertFalse(new String(now.file().content(), StandardCharsets.UTF_8)
                .contains(before.credentials().password()), "new HTTP credentials in the new file");
        assertTrue(inventory.reask(MAC).isEmpty());
    }

    @Test
    void ignoringClearsTheRequestOnly() throws Exception {
        String token = provision();
        inventory.sighted(sighting(OTHER, OTHER));
        await(() -> inventory.reask(MAC).isPresent(), "re-ask recorded");
        assertTrue(inventory.ignoreReask(MAC));
        await(() -> inventory.reask(MAC).isEmpty(), "cleared");
        assertNotNull(found(token, PHONE).credentials());
        assertEquals(1, notifies.size());
    }

    @Test
    void aFactoryResetPhoneAtItsOwnAddressGetsANewBootstrapThereOnly() throws Exception {
        String token = provision();
        inventory.sighted(sighting(PHONE, "192.0.2.66"));
        await(() -> inventory.reask(MAC).isPresent(), "a Contact host other than the source needs approval");
        inventory.ignoreReask(MAC);
        inventory.sighted(sighting(PHONE, PHONE));
        await(() -> notifies.size() == 2, "NOTIFY without approval");
        assertEquals(token, token(notifies.get(1).url()), "same token: the phone is the same");
        assertNull(found(token, PHONE).credentials(), "bootstrap open again");
        assertInstanceOf(ProvisioningFiles.NotFound.class, inventory.lookup(token, FILE, ip(OTHER), "http"),
                "but only to the phone's address");
    }

    @Test
    void rotationReplacesTheSecretsAndNotifiesThePhone() throws Exception {
        String old = provision();
        assertTrue(inventory.rotateSecrets(MAC));
        await(() -> notifies.size() == 2, "NOTIFY with the new URL");
        String fresh = token(notifies.get(1).url());
        assertNotEquals(old, fresh);
        assertInstanceOf(ProvisioningFiles.NotFound.class, inventory.lookup(old, FILE, ip(PHONE), "http"));
        assertNull(found(fresh, PHONE).credentials(), "a bootstrap to fetch the new file");
    }

    @Test
    void theClosedBootstrapAndTheRequestHoldAcrossARestart() throws Exception {
        String token = provision();
        inventory.sighted(sighting(OTHER, OTHER));
        await(() -> inventory.reask(MAC).isPresent(), "re-ask recorded");
        inventory.deactivate();
        inventory = started();
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("mac", MAC.value());
        p.put("extension", "201");
        p.put("password", "sip-secret");
        inventory.updated("pnp.phone~a", p);
        await(() -> inventory.lookup(token, FILE, ip(PHONE), "http") instanceof Found, "served after the restart");
        assertNotNull(found(token, PHONE).credentials(), "still closed");
        assertEquals(OTHER, inventory.reask(MAC).orElseThrow().address());
    }

    @Test
    void aPhoneOfTheOlderVersionKeepsItsTokenUrlUntilItsNextProvisioning() throws Exception {
        inventory.deactivate();
        String token = "legacyTokenAAAAAAAAAAA";
        Files.createDirectories(dir.resolve("phones"));
        Files.writeString(dir.resolve("phones").resolve(PhoneRecordStore.JOURNAL), "mac=" + MAC.value()
                + "\tsightings=1\tprofile=Test\tstate=PROVISIONED\ttoken=" + token + "\trevision=1\tdownloads=2"
                + "\tnotifiedAt=2024-01-01T00:00:00Z\ts.model=GXP2170\ts.contactHost=" + PHONE + "\ts.sourceAddress="
                + PHONE + "\ts.time=2024-01-01T00:00:00Z\n");
        inventory = started();
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("mac", MAC.value());
        p.put("extension", "201");
        p.put("password", "sip-secret");
        inventory.updated("pnp.phone~a", p);
        await(() -> inventory.lookup(token, FILE, ip(OTHER), "http") instanceof Found, "served by its stored token");
        assertNull(found(token, OTHER).credentials(), "as before: the token alone");
        inventory.sighted(sighting(PHONE, PHONE));
        await(() -> notifies.size() == 1, "its next provisioning");
        for (int i = 0; i < 2; i++) {
            inventory.downloaded(found(token, PHONE), ip(PHONE), "http", "");
        }
        await(() -> found(token, PHONE).credentials() != null, "new scheme: its own credentials after the bootstrap "
                + readJournal());
    }

    private Found found(String token, String from) {
        return assertInstanceOf(Found.class, inventory.lookup(token, FILE, ip(from), "http"));
    }

    private String readJournal() {
        try {
            return Files.readString(dir.resolve("phones").resolve(PhoneRecordStore.JOURNAL));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String token(String url) {
        String[] parts = url.split("/");
        return parts[parts.length - 1];
    }

    private static InetAddress ip(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static PhoneSighting sighting(String source, String contact) {
        return new PhoneSighting(MAC, "Test", "GXP2170", "1.0", "", contact, 5060, source, 5060, "vs", "10.200.0.1",
                true, Instant.now());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(25);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    /** Claims every phone; its file holds the SIP password and the HTTP credentials, as a real one does. */
    static final class Profile implements VendorProfile {
        @Override
        public Claim claim(PhoneSighting phone) {
            return Claim.mine("test");
        }

        @Override
        public Claim claim(MacAddress mac) {
            return Claim.mine("test");
        }

        @Override
        public boolean supportsHttpCredentials() {
            return true;
        }

        @Override
        public Rendering render(RenderRequest r) {
            byte[] content = ("password=" + r.assignment().password() + "\nhttpUser=" + r.httpUser() + "\nhttpPassword="
                    + r.httpPassword() + "\n").getBytes(StandardCharsets.UTF_8);
            return new Rendering(List.of(ProvisioningFile.phone(FILE, content, "text/plain")), r.httpBase()
                    .substring(0, r.httpBase().length() - 1), Rendering.APPLICATION_URL);
        }
    }
}
