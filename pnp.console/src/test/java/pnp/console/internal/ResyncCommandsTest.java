package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneInventory;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.ResyncProgress;

/** {@code pnp:resync} and the resync part of phones.json, over a fake inventory. */
class ResyncCommandsTest {

    static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
    static final MacAddress GS = MacAddress.parse("000b82000001").orElseThrow();
    static final MacAddress GS2 = MacAddress.parse("000b82000002").orElseThrow();
    static final MacAddress YEA = MacAddress.parse("805ec0000001").orElseThrow();
    static final MacAddress UNASSIGNED = MacAddress.parse("805ec0000002").orElseThrow();

    final List<MacAddress> asked = new CopyOnWriteArrayList<>();
    final PhoneInventory inventory = new PhoneInventory() {
        @Override
        public void sighted(PhoneSighting sighting) {
        }

        @Override
        public List<Phone> phones() {
            return List.of(running(GS, "Grandstream", "GXP2170", true), running(GS2, "Grandstream", "GRP2612", true),
                    running(YEA, "Yealink", "T46S", true), running(UNASSIGNED, "Yealink", "T46S", false));
        }

        @Override
        public Optional<Phone> phone(MacAddress mac) {
            return Optional.empty();
        }

        @Override
        public boolean renotify(MacAddress mac) {
            return false;
        }

        @Override
        public boolean forget(MacAddress mac) {
            return false;
        }

        @Override
        public boolean resync(MacAddress mac) {
            asked.add(mac);
            return !mac.equals(GS2); // say GS2 never downloaded
        }

        @Override
        public ResyncProgress resyncProgress() {
            return new ResyncProgress(2, 1, 5, 3, 1, 20);
        }
    };
    final PhoneCommands commands = new PhoneCommands(inventory, new Assignments(new FakeConfigAdmin().service,
            () -> "pw"));

    @Test
    void onePhoneByMac() {
        assertTrue(commands.resync("00:0b:82:00:00:01").startsWith("Resync of 00:0b:82:00:00:01 queued"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> commands.resync("000b82000002"));
        assertTrue(refused.getMessage().contains("downloaded its files"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> commands.resync("--everything"));
    }

    @Test
    void byVendorModelOrAllOnlyAssignedPhonesAreAsked() {
        String out = commands.resync("--vendor", "grandstream");
        assertEquals(List.of(GS, GS2), asked);
        assertTrue(out.startsWith("Resync queued for 1 phone(s); 1 not running"), out);
        assertTrue(out.contains("2 waiting to be sent at 20/s"), out);
        asked.clear();
        commands.resync("--model", "T46S");
        assertEquals(List.of(YEA), asked);
        asked.clear();
        commands.resync("--all");
        assertEquals(List.of(GS, GS2, YEA), asked);
        assertThrows(IllegalArgumentException.class, () -> commands.resync("--colour", "red"));
    }

    @Test
    void phonesJsonCarriesEachPhonesResyncAndTheProgress() {
        Phone p = running(GS, "Grandstream", "GXP2170", true);
        Phone resynced = new Phone(p.mac(), p.lastSighting(), p.firstSeen(), 1, p.profile(), "", true, "201",
                PhoneState.RESYNCED, T, "", p.lastDownload(),
                new Phone.Resync(T, T.plusSeconds(1), "pnp.sip", "ACCEPTED: 200 OK", T.plusSeconds(3), true, ""));
        String json = PhonesJson.write(List.of(resynced), Map.of(), List.of(), inventory.resyncProgress(), T);
        assertTrue(json.contains("\"resync\":{\"requested\":\"2024-05-01T10:00:00Z\",\"sent\":\"2024-05-01T10:00:01Z\","
                + "\"sender\":\"pnp.sip\",\"outcome\":\"ACCEPTED: 200 OK\",\"downloaded\":\"2024-05-01T10:00:03Z\","
                + "\"bytesChanged\":true,\"reason\":\"\"}"), json);
        assertTrue(json.endsWith("\"resync\":{\"queued\":2,\"waiting\":1,\"sent\":5,\"resynced\":3,\"failed\":1,"
                + "\"perSecond\":20}}"), json);
    }

    static Phone running(MacAddress mac, String vendor, String model, boolean assigned) {
        PhoneSighting s = new PhoneSighting(mac, vendor, model, "1.0", vendor + " " + model, "10.0.0.2", 5060,
                "10.0.0.2", 5060, "eth0", "10.0.0.1", true, T);
        return new Phone(mac, s, T, 1, vendor, "", assigned, assigned ? "201" : "", PhoneState.PROVISIONED, T, "",
                new Phone.Download(mac.value() + ".cfg", "http", "10.0.0.2", "", T));
    }
}
