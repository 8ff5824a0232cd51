package pnp.vendor.yealink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.Claim;
import pnp.api.MacAddress;

class ClaimTest {

    private static Claim claim(String mac, String vendor, String userAgent) {
        return Fixtures.profile().claim(Fixtures.sighting(mac, vendor, userAgent));
    }

    @Test
    void eventVendorIgnoringCaseAndBlanks() {
        Claim c = claim("00:0b:82:00:00:01", " yeaLINK ", "");
        assertTrue(c.claimed());
        assertEquals("Event vendor is Yealink", c.reason());
    }

    @Test
    void userAgentPrefix() {
        Claim c = claim("00:0b:82:00:00:01", "OEM", "Yealink SIP-T46S 66.86.0.15");
        assertTrue(c.claimed());
        assertEquals("User-Agent starts with Yealink", c.reason());
        assertFalse(claim("00:0b:82:00:00:01", "", "Not Yealink").claimed());
    }

    @Test
    void eachDefaultOui() {
        for (String oui : new String[] {"001565", "805ec0", "805e0c", "249ad8", "c4fc22"}) {
            Claim c = claim(oui + "112233", "OEM", "");
            assertTrue(c.claimed(), oui);
            assertEquals("OUI " + oui + " is Yealink", c.reason());
        }
    }

    @Test
    void otherPhonesAreNotMineWithAReason() {
        Claim c = claim("000b82273b89", "Grandstream", "Grandstream GXP2140");
        assertFalse(c.claimed());
        assertEquals("neither Event vendor, User-Agent nor OUI 000b82 is Yealink", c.reason());
    }

    @Test
    void byMacAlone() {
        YealinkProfile profile = Fixtures.profile();
        Claim mine = profile.claim(new MacAddress("805ec0010203"));
        assertTrue(mine.claimed());
        assertEquals("OUI 805ec0 is Yealink", mine.reason());
        Claim other = profile.claim(new MacAddress("808287010203"));
        assertFalse(other.claimed());
        assertEquals("OUI 808287 is not Yealink", other.reason());
    }

    @Test
    void ouisAreConfigurableInAnyWrittenForm() {
        YealinkProfile profile = Fixtures.profile(Map.of("ouis", new String[] {"AA:BB:CC, 11-22-33"}));
        assertTrue(profile.claim(new MacAddress("aabbcc000001")).claimed());
        assertTrue(profile.claim(new MacAddress("112233000001")).claimed());
        assertFalse(profile.claim(new MacAddress("001565000001")).claimed(), "the list replaces the defaults");
        assertThrows(IllegalArgumentException.class,
                () -> Fixtures.profile(Map.of("ouis", new String[] {"00156"})));
    }

    @Test
    void invalidSettingsOnUpdateKeepThePreviousOnes() {
        YealinkProfile profile = Fixtures.profile();
        profile.modified(Fixtures.config(Map.of("ouis", new String[] {"not hex"})));
        assertTrue(profile.claim(new MacAddress("001565000001")).claimed());
        profile.modified(Fixtures.config(Map.of("sipPort", 0)));
        assertTrue(profile.claim(new MacAddress("001565000001")).claimed());
    }
}
