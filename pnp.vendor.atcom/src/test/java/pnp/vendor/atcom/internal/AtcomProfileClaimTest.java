package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.Claim;
import pnp.api.MacAddress;
import pnp.api.PhoneSighting;

class AtcomProfileClaimTest {

    private static final MacAddress GRANDSTREAM = MacAddress.parse("000b82273b89").orElseThrow();

    private final AtcomProfile profile = Fixtures.profile(Map.of());

    private static PhoneSighting sighting(MacAddress mac, String vendor, String userAgent) {
        return new PhoneSighting(mac, vendor, "", "", userAgent, "192.0.2.50", 5060, "192.0.2.50", 5060, "eth0",
                "192.0.2.10", true, Instant.EPOCH);
    }

    @Test
    void eventVendorClaimsInAnyCase() {
        Claim claim = profile.claim(sighting(GRANDSTREAM, "atcom", ""));
        assertTrue(claim.claimed());
        assertEquals("Event vendor is ATCOM", claim.reason());
    }

    @Test
    void userAgentClaimsInAnyCase() {
        Claim claim = profile.claim(sighting(GRANDSTREAM, "OEM", "Atcom A11W 2.6.5"));
        assertTrue(claim.claimed());
        assertEquals("User-Agent names ATCOM", claim.reason());
    }

    @Test
    void ouiClaims() {
        Claim claim = profile.claim(sighting(Fixtures.MAC, "", ""));
        assertTrue(claim.claimed());
        assertEquals("OUI 808287 is ATCOM", claim.reason());
    }

    @Test
    void reasonListsEveryMatch() {
        Claim claim = profile.claim(sighting(Fixtures.MAC, "ATCOM", "ATCOM A41"));
        assertEquals("Event vendor is ATCOM; User-Agent names ATCOM; OUI 808287 is ATCOM", claim.reason());
    }

    @Test
    void otherPhonesAreNotClaimed() {
        Claim claim = profile.claim(sighting(GRANDSTREAM, "Grandstream", "Grandstream GXP2140 1.0.11.3"));
        assertFalse(claim.claimed());
        assertTrue(claim.reason().contains("000b82"), claim.reason());
    }

    @Test
    void vendorMustMatchWholly() {
        assertFalse(profile.claim(sighting(GRANDSTREAM, "ATCOMX", "")).claimed());
    }

    @Test
    void macOnlyByOui() {
        assertTrue(profile.claim(Fixtures.MAC).claimed());
        assertEquals("OUI 808287 is ATCOM", profile.claim(Fixtures.MAC).reason());
        Claim other = profile.claim(GRANDSTREAM);
        assertFalse(other.claimed());
        assertEquals("OUI 000b82 is not ATCOM's", other.reason());
    }
}
