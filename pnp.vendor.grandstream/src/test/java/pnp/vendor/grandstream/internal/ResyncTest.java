package pnp.vendor.grandstream.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.Assignment;
import pnp.api.Phone;
import pnp.api.PhoneState;
import pnp.api.RenderRequest;
import pnp.api.Rendering;
import pnp.api.ResyncEvent;

/** How running Grandstream phones are told to resync, and their own periodic check. */
class ResyncTest {

    @TempDir
    Path home;

    @Test
    void phonesAreSentResyncAndChallengeIt() {
        Phone phone = new Phone(Fixtures.MAC, Fixtures.sighting("000b82273b89", "Grandstream", "GXP2140", ""), Instant.EPOCH,
                1, "Grandstream", "", true, "101", PhoneState.PROVISIONED, Instant.EPOCH, "", null);
        ResyncEvent event = Fixtures.profile(home).resyncEvent(phone).orElseThrow();
        assertEquals("resync", event.event());
        assertTrue(event.challenges(), "P4428 (Disable SIP NOTIFY Authentication) defaults to 0");
        assertTrue(event.reboots());
        assertFalse(event.registrarOnly());
    }

    @Test
    void periodicCheckIsOffUnlessSet() throws Exception {
        Rendering r = Fixtures.profile(home).render(Fixtures.minimal());
        Map<String, String> xml = XmlFiles.values(xml(r), "000b82273b89");
        Map<String, String> bin = GrandstreamBinaryDecoder.decode(binary(r), Fixtures.MAC.bytes());
        for (Map<String, String> values : java.util.List.of(xml, bin)) {
            assertFalse(values.containsKey("P194"), values.toString());
            assertFalse(values.containsKey("P193"), values.toString());
        }
    }

    @Test
    void periodicCheckIsWrittenIntoBothFilesWhenSet() throws Exception {
        Rendering r = Fixtures.profile(home, Map.of("periodicCheckMinutes", 1440)).render(Fixtures.minimal());
        Map<String, String> xml = XmlFiles.values(xml(r), "000b82273b89");
        Map<String, String> bin = GrandstreamBinaryDecoder.decode(binary(r), Fixtures.MAC.bytes());
        for (Map<String, String> values : java.util.List.of(xml, bin)) {
            assertEquals("1", values.get("P194"), "automatic upgrade: every P193 minutes");
            assertEquals("1440", values.get("P193"));
        }
    }

    @Test
    void anOverrideOfThePhoneWinsOverTheSetting() throws Exception {
        Assignment a = new Assignment(Fixtures.MAC, "101", null, null, "pw", null, null, 0, null, null, null,
                Map.of("P193", "120"));
        RenderRequest request = new RenderRequest(a, "GXP2140", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1);
        Rendering r = Fixtures.profile(home, Map.of("periodicCheckMinutes", 1440)).render(request);
        assertEquals("120", XmlFiles.values(xml(r), "000b82273b89").get("P193"));
    }

    @Test
    void intervalsOutsideP193sRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Fixtures.profile(home, Map.of("periodicCheckMinutes", 59)));
        assertThrows(IllegalArgumentException.class, () -> Fixtures.profile(home, Map.of("periodicCheckMinutes", 86401)));
        Fixtures.profile(home, Map.of("periodicCheckMinutes", 60));
    }

    private static byte[] xml(Rendering r) {
        return GoldenFileTest.file(r, "cfg000b82273b89.xml").content();
    }

    private static byte[] binary(Rendering r) {
        return GoldenFileTest.file(r, "cfg000b82273b89").content();
    }
}
