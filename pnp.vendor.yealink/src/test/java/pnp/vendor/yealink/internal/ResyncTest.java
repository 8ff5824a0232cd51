package pnp.vendor.yealink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.Assignment;
import pnp.api.Phone;
import pnp.api.PhoneState;
import pnp.api.RenderRequest;
import pnp.api.ResyncEvent;

/** How running Yealink phones are told to resync, and their own periodic check. */
class ResyncTest {

    private static final Phone PHONE = new Phone(Fixtures.MAC, null, null, 0, "Yealink", "", true, "201",
            PhoneState.PROVISIONED, Instant.EPOCH, "", null);

    @Test
    void checkSyncWithoutRebootByDefault() {
        ResyncEvent event = Fixtures.profile().resyncEvent(PHONE).orElseThrow();
        assertEquals("check-sync;reboot=false", event.event());
        assertFalse(event.reboots());
        assertFalse(event.challenges());
        assertTrue(lines(Fixtures.profile().render(Fixtures.minimal())).contains("sip.notify_reboot_enable = 0"),
                "without it the phone reboots on every check-sync");
    }

    @Test
    void rebootOnResyncIsASetting() {
        ResyncEvent event = Fixtures.profile(Map.of("resyncReboot", true)).resyncEvent(PHONE).orElseThrow();
        assertEquals("check-sync;reboot=true", event.event());
        assertTrue(event.reboots());
    }

    @Test
    void periodicCheckIsOffUnlessSet() {
        List<String> lines = lines(Fixtures.profile().render(Fixtures.minimal()));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("static.auto_provision.repeat.")), lines.toString());
    }

    @Test
    void periodicCheckIsWrittenWhenSet() {
        List<String> lines = lines(Fixtures.profile(Map.of("periodicCheckMinutes", 720)).render(Fixtures.minimal()));
        assertTrue(lines.contains("static.auto_provision.repeat.enable = 1"), lines.toString());
        assertTrue(lines.contains("static.auto_provision.repeat.minutes = 720"), lines.toString());
    }

    @Test
    void anOverrideWinsAndBadIntervalsAreRefused() {
        Assignment a = new Assignment(Fixtures.MAC, "201", null, null, "pw", null, null, 0, null, null, null,
                Map.of("static.auto_provision.repeat.minutes", "60"));
        RenderRequest r = new RenderRequest(a, "T46S", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1);
        List<String> lines = lines(Fixtures.profile(Map.of("periodicCheckMinutes", 720)).render(r));
        assertTrue(lines.contains("static.auto_provision.repeat.minutes = 60"), lines.toString());
        assertFalse(lines.contains("static.auto_provision.repeat.minutes = 720"), lines.toString());
        assertThrows(IllegalArgumentException.class, () -> Fixtures.profile(Map.of("periodicCheckMinutes", 43201)));
        assertThrows(IllegalArgumentException.class, () -> Fixtures.profile(Map.of("periodicCheckMinutes", -1)));
    }

    private static List<String> lines(pnp.api.Rendering r) {
        return RenderTest.text(r).lines().toList();
    }
}
