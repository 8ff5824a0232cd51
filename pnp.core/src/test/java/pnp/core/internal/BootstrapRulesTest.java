package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.PhoneSighting;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles.Credentials;
import pnp.api.ProvisioningFiles.Found;
import pnp.api.ProvisioningFiles.Lookup;
import pnp.api.ProvisioningFiles.NotFound;

/**
 * The one-shot bootstrap: its rules in {@link ServedFiles} (rule 6), one test each, and how
 * {@link Bootstrap} opens and closes it.
 */
class BootstrapRulesTest {

    static final MacAddress A = MacAddress.parse("000b82000001").orElseThrow();
    static final String PHONE = "10.0.0.1";
    static final String TOKEN = "tokenAAAAAAAAAAAAAAAAA";
    static final String FILE = A.value() + ".cfg";
    static final Credentials DIGEST = new Credentials("digest", A.value(), "pw");
    static final Duration WINDOW = Duration.ofMinutes(15);

    final ServedFiles served = new ServedFiles();

    private void publish(Credentials credentials, Bootstrap.Access access) {
        served.rules(new ServedFiles.AccessRules(true, false));
        served.publish(A, TOKEN, PHONE, List.of(ProvisioningFile.phone(FILE, "secret".getBytes(StandardCharsets.UTF_8),
                "text/plain"), ProvisioningFile.common("common.cfg", new byte[1], "text/plain")), credentials, access);
    }

    private static Bootstrap.Access open(Instant until, String from) {
        return new Bootstrap.Access(Bootstrap.Phase.OPEN, until, from, PHONE);
    }

    private static final Bootstrap.Access CLOSED = new Bootstrap.Access(Bootstrap.Phase.CLOSED, null, "", PHONE);

    @Test
    void anOpenBootstrapServesTheTokenWithoutCredentialsToAnyAddress() throws Exception {
        publish(DIGEST, open(null, ""));
        assertNull(found(served.lookup(TOKEN, FILE, ip("192.0.2.9"), "http")).credentials(),
                "the NOTIFY's URL alone fetches the first file (the phone has no credentials yet)");
        notFound(served.lookup("tokenXXXXXXXXXXXXXXXXX", FILE, ip(PHONE), "http"), "no phone");
    }

    @Test
    void anOpenBootstrapWithAnAddressServesOnlyThatAddress() throws Exception {
        publish(DIGEST, open(null, PHONE));
        notFound(served.lookup(TOKEN, FILE, ip("192.0.2.9"), "http"), "open only to " + PHONE);
        assertNull(found(served.lookup(TOKEN, FILE, ip(PHONE), "http")).credentials());
    }

    @Test
    void aClosedBootstrapRequiresThePhonesCredentials() throws Exception {
        publish(DIGEST, CLOSED);
        assertEquals(DIGEST, found(served.lookup(TOKEN, FILE, ip(PHONE), "http")).credentials());
        assertEquals(DIGEST, found(served.lookup(TOKEN, FILE, ip("192.0.2.9"), "http")).credentials(),
                "from anywhere, but only with the phone's credentials");
    }

    @Test
    void aBootstrapWhoseWindowIsOverIsClosed() throws Exception {
        publish(DIGEST, open(Instant.now().minusSeconds(1), ""));
        assertEquals(DIGEST, found(served.lookup(TOKEN, FILE, ip(PHONE), "http")).credentials());
        publish(DIGEST, open(Instant.now().plusSeconds(600), ""));
        assertNull(found(served.lookup(TOKEN, FILE, ip(PHONE), "http")).credentials());
    }

    @Test
    void withoutCredentialsAClosedBootstrapServesOnlyTheBoundAddress() throws Exception {
        publish(null, CLOSED);
        notFound(served.lookup(TOKEN, FILE, ip("192.0.2.9"), "http"), "only to its bound address " + PHONE);
        assertNull(found(served.lookup(TOKEN, FILE, ip(PHONE), "http")).credentials());
        assertNull(found(served.lookup(TOKEN, "common.cfg", ip("192.0.2.9"), "http")).credentials(),
                "common files hold no secret");
    }

    @Test
    void withCredentialsTftpServesOnlyAnOpenBootstrapAtTheSubscriberAddress() throws Exception {
        publish(DIGEST, open(null, ""));
        assertNull(found(served.lookup(null, FILE, ip(PHONE), "tftp")).credentials());
        notFound(served.lookup(null, FILE, ip("192.0.2.9"), "tftp"), "another address");
        publish(DIGEST, CLOSED);
        notFound(served.lookup(null, FILE, ip(PHONE), "tftp"), "not over TFTP");
    }

    @Test
    void aPhoneOfTheOlderVersionIsServedByItsTokenAsBefore() throws Exception {
        publish(null, new Bootstrap.Access(Bootstrap.Phase.LEGACY, null, "", PHONE));
        assertNull(found(served.lookup(TOKEN, FILE, ip("192.0.2.9"), "http")).credentials(),
                "its stored token URL keeps working until its next provisioning");
    }

    @Test
    void aClosingBootstrapIsPublishedToTheLookups() throws Exception {
        publish(DIGEST, open(null, ""));
        served.access(A, CLOSED);
        assertEquals(DIGEST, found(served.lookup(TOKEN, FILE, ip(PHONE), "http")).credentials());
    }

    @Test
    void theSecondDownloadClosesTheBootstrap() {
        PhoneRecord rec = new PhoneRecord(A);
        Bootstrap.open(rec, "");
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        assertFalse(Bootstrap.downloaded(rec, t, WINDOW), "first download: the phone reboots next");
        assertTrue(Bootstrap.access(rec, WINDOW).open(t.plusSeconds(60)));
        assertEquals(t.plus(WINDOW), Bootstrap.access(rec, WINDOW).until(), "the window counts from the first download");
        assertTrue(Bootstrap.downloaded(rec, t.plusSeconds(60), WINDOW), "back after its reboot");
        assertEquals(Bootstrap.Phase.CLOSED, rec.bootstrap);
        assertFalse(Bootstrap.downloaded(rec, t.plusSeconds(61), WINDOW), "closed stays closed");
    }

    @Test
    void theWindowClosesTheBootstrapOfAPhoneThatDoesNotComeBack() {
        PhoneRecord rec = new PhoneRecord(A);
        Bootstrap.open(rec, PHONE);
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        Bootstrap.downloaded(rec, t, WINDOW);
        assertFalse(Bootstrap.expire(rec, t.plus(WINDOW).minusSeconds(1), WINDOW));
        assertTrue(Bootstrap.access(rec, WINDOW).over(t.plus(WINDOW)), "lookups see it over at once");
        assertTrue(Bootstrap.expire(rec, t.plus(WINDOW), WINDOW));
        assertEquals(Bootstrap.Phase.CLOSED, rec.bootstrap);
    }

    @Test
    void aBootstrapWithoutDownloadStaysOpen() {
        PhoneRecord rec = new PhoneRecord(A);
        rec.sighting = new PhoneSighting(A, "", "", "", "", PHONE, 5060, PHONE, 5060, "", "", true, Instant.now());
        Bootstrap.open(rec, "");
        assertFalse(Bootstrap.expire(rec, Instant.now().plus(Duration.ofDays(1)), WINDOW));
        assertEquals(PHONE, Bootstrap.access(rec, WINDOW).bound());
    }

    private static Found found(Lookup l) {
        return assertInstanceOf(Found.class, l, () -> l.toString());
    }

    private static void notFound(Lookup l, String reasonPart) {
        NotFound n = assertInstanceOf(NotFound.class, l);
        assertTrue(n.reason().contains(reasonPart), n.reason());
    }

    private static InetAddress ip(String a) throws Exception {
        return InetAddress.getByName(a);
    }
}
