package pnp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResyncTest {

    private static final MacAddress MAC = MacAddress.parse("000b82273b89").orElseThrow();

    @ParameterizedTest
    @ValueSource(strings = { "check-sync", "resync", "check-sync;reboot=false", "check-sync;reboot=true;x", "Check-Sync" })
    void vendorEventsAreHeaderValues(String event) {
        ResyncEvent e = new ResyncEvent(event, false, false, false);
        assertEquals(event, e.event());
        assertTrue(e.eventPackage().equals("check-sync") || e.eventPackage().equals("resync"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", ";reboot=true", "check-sync;", "check-sync\r\nX-Evil: 1", "check sync", "check-sync;reboot=\"true\"",
            "check-sync;=true" })
    void whatCouldBreakTheHeaderIsRefused(String event) {
        assertThrows(IllegalArgumentException.class, () -> new ResyncEvent(event, false, false, false));
    }

    @Test
    void eventPackageDropsTheParameters() {
        ResyncEvent e = new ResyncEvent("check-sync;reboot=false", false, false, false);
        assertEquals("check-sync", e.eventPackage());
        ResyncEvent challenged = e.withChallenges(true).withRegistrarOnly(true);
        assertTrue(challenged.challenges() && challenged.registrarOnly());
        assertEquals(e.event(), challenged.event());
        assertEquals(new ResyncEvent("check-sync", true, false, false), ResyncEvent.checkSync(true));
    }

    @Test
    void aProfileWrittenAgainstOneDotZeroHasNoResyncEvent() {
        VendorProfile old = new VendorProfile() {
            @Override
            public Claim claim(PhoneSighting phone) {
                return Claim.mine("any");
            }

            @Override
            public Claim claim(MacAddress mac) {
                return Claim.mine("any");
            }

            @Override
            public Rendering render(RenderRequest request) {
                throw new UnsupportedOperationException();
            }
        };
        assertTrue(old.resyncEvent(phone()).isEmpty());
    }

    @Test
    void aRequestBelongsToOnePhone() {
        Assignment own = assignment(MAC);
        ResyncEvent e = ResyncEvent.checkSync(false);
        ResyncRequest r = new ResyncRequest(phone(), own, e, "192.0.2.7", 5060);
        assertEquals(MAC, r.mac());
        assertThrows(IllegalArgumentException.class,
                () -> new ResyncRequest(phone(), assignment(MacAddress.parse("000b82000001").orElseThrow()), e, "192.0.2.7", 5060));
        assertThrows(IllegalArgumentException.class, () -> new ResyncRequest(phone(), own, e, "192.0.2.7", 0));
        assertFalse(r.toString().contains("secret"));
    }

    @Test
    void aRequestCarriesTheCredentialsThePhoneHoldsWhichMayBeOlderThanItsAssignment() {
        Assignment edited = assignment(MAC);
        ResyncEvent e = ResyncEvent.checkSync(false);
        assertEquals(SipCredentials.of(edited), new ResyncRequest(phone(), edited, e, "192.0.2.7", 5060).credentials());
        SipCredentials old = new SipCredentials("4000", "old-password");
        ResyncRequest r = new ResyncRequest(phone(), edited, e, "192.0.2.7", 5060, old);
        assertEquals(old, r.credentials());
        assertFalse(r.toString().contains("old-password"), r.toString());
        assertThrows(IllegalArgumentException.class, () -> new SipCredentials("4000", ""));
        assertThrows(IllegalArgumentException.class, () -> new SipCredentials("", "pw"));
    }

    @Test
    void outcomesCarryARealStatusOrNone() {
        assertTrue(ResyncOutcome.accepted(200, "200 OK").accepted());
        assertEquals(ResyncOutcome.Result.DEMANDS_AUTHENTICATION, ResyncOutcome.demandsAuthentication(401, "401").result());
        assertEquals(0, ResyncOutcome.noAnswer("no answer").statusCode());
        assertEquals("", ResyncOutcome.notSent(null).detail());
        assertFalse(ResyncOutcome.rejected(481, "481").accepted());
        assertThrows(IllegalArgumentException.class, () -> ResyncOutcome.rejected(48, "48"));
    }

    private static Assignment assignment(MacAddress mac) {
        return new Assignment(mac, "201", "", "", "secret", "", "", 0, "", null, null, null);
    }

    private static Phone phone() {
        return new Phone(MAC, null, null, 0, "Grandstream", "", true, "201", PhoneState.PROVISIONED, Instant.EPOCH, "", null);
    }
}
