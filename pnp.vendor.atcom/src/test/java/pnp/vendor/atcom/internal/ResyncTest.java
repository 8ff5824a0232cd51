package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.Phone;
import pnp.api.PhoneState;
import pnp.api.ResyncEvent;

/** The resync event of ATCOM phones: undocumented by ATCOM, so a setting with a common default. */
class ResyncTest {

    private static final Phone PHONE = new Phone(Fixtures.MAC, null, null, 0, "ATCOM", "", true, "201",
            PhoneState.PROVISIONED, Instant.EPOCH, "", null);

    @Test
    void checkSyncAndAssumedRebootByDefault() {
        ResyncEvent event = Fixtures.profile(Map.of()).resyncEvent(PHONE).orElseThrow();
        assertEquals("check-sync", event.event());
        assertTrue(event.reboots(), "unknown, so the cautious answer");
        assertFalse(event.challenges());
    }

    @Test
    void theEventIsConfigurableAndCanBeTurnedOff() {
        assertEquals("resync", Fixtures.profile(Map.of("resyncEvent", " resync ")).resyncEvent(PHONE).orElseThrow().event());
        assertFalse(Fixtures.profile(Map.of("resyncEvent", "check-sync;reboot=false", "resyncReboots", false))
                .resyncEvent(PHONE).orElseThrow().reboots());
        assertTrue(Fixtures.profile(Map.of("resyncEvent", "")).resyncEvent(PHONE).isEmpty());
    }

    @Test
    void anEventThatIsNoHeaderValueIsRefusedAndTheOldSettingsStay() {
        assertThrows(IllegalArgumentException.class,
                () -> AtcomSettings.of(Fixtures.config(Map.of("resyncEvent", "check-sync\r\nX: 1"))));
        AtcomProfile profile = Fixtures.profile(Map.of("resyncEvent", "resync"));
        profile.modified(Fixtures.config(Map.of("resyncEvent", "check sync")));
        assertEquals("resync", profile.resyncEvent(PHONE).orElseThrow().event());
    }
}
