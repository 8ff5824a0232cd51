package pnp.vendor.grandstream.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.Claim;
import pnp.api.MacAddress;

class ClaimTest {

    @TempDir
    Path home;

    private Claim claim(String mac, String vendor, String userAgent) {
        return Fixtures.profile(home).claim(Fixtures.sighting(mac, vendor, "GXP2140", userAgent));
    }

    @Test
    void eventVendorIgnoringCase() {
        Claim c = claim("00:15:65:00:00:01", "grandSTREAM", "");
        assertTrue(c.claimed());
        assertEquals("Event vendor is Grandstream", c.reason());
    }

    @Test
    void userAgentPrefix() {
        Claim c = claim("00:15:65:00:00:01", "", "Grandstream GRP2612W 1.0.5.67");
        assertTrue(c.claimed());
        assertEquals("User-Agent starts with Grandstream", c.reason());
        assertFalse(claim("00:15:65:00:00:01", "", "Not Grandstream").claimed());
    }

    @Test
    void eachGrandstreamOui() {
        for (String oui : new String[] {"000b82", "c074ad", "ec74d7"}) {
            Claim c = claim(oui + "112233", "OEM", "");
            assertTrue(c.claimed(), oui);
            assertEquals("OUI " + oui + " is Grandstream", c.reason());
        }
    }

    @Test
    void otherPhonesAreNotMineWithAReason() {
        Claim c = claim("001565f4f9e1", "yealink", "Yealink SIP-T46S");
        assertFalse(c.claimed());
        assertEquals("neither Event vendor, User-Agent nor OUI 001565 is Grandstream", c.reason());
    }

    @Test
    void byMacAlone() {
        GrandstreamProfile profile = Fixtures.profile(home);
        Claim mine = profile.claim(new MacAddress("c074ad2bd859"));
        assertTrue(mine.claimed());
        assertEquals("OUI c074ad is Grandstream", mine.reason());
        Claim other = profile.claim(new MacAddress("808287010203"));
        assertFalse(other.claimed());
        assertEquals("OUI 808287 is not Grandstream", other.reason());
    }
}
