package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.PhoneSighting;

/** The bounds on heard, unassigned phones and who goes first when one is passed. */
class UnassignedPhoneBoundsTest {

    final UnassignedPhoneBounds bounds = new UnassignedPhoneBounds();
    final Map<MacAddress, PhoneRecord> records = new LinkedHashMap<>();
    final Set<MacAddress> assigned = new HashSet<>();
    UnassignedPhoneBounds.Limits limits = new UnassignedPhoneBounds.Limits(4, 10, 100);
    int next;

    @Test
    void leastEvidenceGoesFirst() {
        PhoneRecord claimedOften = record("10.0.0.1", "Grandstream", 5, 1);
        PhoneRecord claimedOnce = record("10.0.0.1", "Grandstream", 1, 2);
        PhoneRecord unclaimedOften = record("10.0.0.1", "", 7, 3);
        PhoneRecord unclaimedOnceOld = record("10.0.0.1", "", 1, 4);
        PhoneRecord unclaimedOnceNew = record("10.0.0.1", "", 1, 5);
        List<PhoneRecord> sorted = new java.util.ArrayList<>(List.of(claimedOften, unclaimedOnceNew, claimedOnce,
                unclaimedOften, unclaimedOnceOld));
        sorted.sort(UnassignedPhoneBounds.LEAST_EVIDENCE);
        assertEquals(List.of(unclaimedOnceOld, unclaimedOnceNew, unclaimedOften, claimedOnce, claimedOften), sorted);
    }

    @Test
    void aFloodFromOneAddressCannotPushOutItsRealPhones() {
        PhoneRecord realA = admit("10.0.0.1", "Grandstream", 6);
        PhoneRecord realB = admit("10.0.0.1", "Yealink", 3);
        for (int i = 0; i < 500; i++) {
            admit("10.0.0.1", "Grandstream", 1); // made-up MACs in a real vendor's OUI: claimed, heard once
        }
        assertTrue(records.containsValue(realA) && records.containsValue(realB), "the phones heard repeatedly stay");
        assertEquals(4, unassignedFrom("10.0.0.1"), "the address holds its bound");
        assertEquals(498L, bounds.forgottenBySource().get("10.0.0.1"));
        assertTrue(bounds.note("10.0.0.1").contains("498 unassigned phones"), bounds.note("10.0.0.1"));
        assertEquals("", bounds.note("10.0.0.2"), "other sources are not flagged");
    }

    @Test
    void theNewestOfEqualPhonesStays() {
        for (int i = 0; i < 6; i++) {
            admit("10.0.0.1", "", 1);
        }
        assertEquals(List.of(2, 3, 4, 5), records.values().stream().map(r -> (int) r.sighting.time().getEpochSecond())
                .toList(), "the oldest were forgotten");
    }

    @Test
    void assignedPhonesAreNeitherCountedNorForgotten() {
        for (int i = 0; i < 10; i++) {
            PhoneRecord r = record("10.0.0.1", "", 1, next++);
            assigned.add(r.mac);
            bounds.heard(r.mac, null, "10.0.0.1");
        }
        for (int i = 0; i < 4; i++) {
            admit("10.0.0.1", "", 1);
        }
        assertEquals(14, records.size(), "4 unassigned next to 10 assigned: within the bound");
        admit("10.0.0.1", "", 1);
        assertEquals(14, records.size());
        assertTrue(records.keySet().containsAll(assigned));
    }

    @Test
    void aSubnetIsBoundedAcrossItsAddresses() {
        for (int i = 1; i <= 30; i++) {
            admit("10.0.7." + i, "", 1);
        }
        assertEquals(10, records.size(), "10 per /24, though each address is within its own bound");
        assertEquals(20L, bounds.forgottenBySource().get("10.0.7.0/24"));
        admit("10.0.8.1", "", 1);
        assertEquals(11, records.size(), "another subnet is not affected");
    }

    @Test
    void theTotalIsBoundedByEvidenceNotOnlyByAge() {
        limits = new UnassignedPhoneBounds.Limits(0, 0, 5);
        PhoneRecord old = admit("10.0.0.1", "Grandstream", 4);
        for (int i = 0; i < 10; i++) {
            admit("10.0.1." + i, "", 1);
        }
        assertEquals(5, records.size());
        assertTrue(records.containsValue(old), "the oldest phone, but claimed and heard often, stays");
    }

    @Test
    void movingPhonesAreCountedWhereTheyAreNow() {
        PhoneRecord r = admit("10.0.0.1", "", 1);
        bounds.heard(r.mac, "10.0.0.1", "10.0.9.9");
        r.sighting = sighting(r.mac, "10.0.9.9", 99);
        for (int i = 0; i < 4; i++) {
            admit("10.0.0.1", "", 1);
        }
        assertEquals(5, records.size(), "the moved phone no longer counts for 10.0.0.1");
    }

    @Test
    void subnets() {
        assertEquals("192.0.2.0/24", UnassignedPhoneBounds.subnet("192.0.2.77"));
        assertEquals("2001:db8:1:2::/64", UnassignedPhoneBounds.subnet("2001:db8:1:2:aa:bb:cc:dd"));
        assertEquals("phone.example", UnassignedPhoneBounds.subnet("phone.example"), "no name lookup");
    }

    /** A new unassigned phone as the inventory admits it: heard, then the bounds applied. */
    private PhoneRecord admit(String address, String profile, long sightings) {
        PhoneRecord r = record(address, profile, sightings, next++);
        bounds.heard(r.mac, null, address);
        for (PhoneRecord gone : bounds.overBounds(r, limits, records::get, records.values(), assigned::contains)) {
            records.remove(gone.mac);
            bounds.forgotten(gone.mac, gone.sighting.sourceAddress());
        }
        return r;
    }

    private PhoneRecord record(String address, String profile, long sightings, long second) {
        MacAddress mac = MacAddress.parse(String.format("02aa%08x", records.size() + second * 1000)).orElseThrow();
        PhoneRecord r = new PhoneRecord(mac);
        r.sighting = sighting(mac, address, second);
        r.profile = profile;
        r.sightings = sightings;
        records.put(mac, r);
        return r;
    }

    private static PhoneSighting sighting(MacAddress mac, String address, long second) {
        return new PhoneSighting(mac, "", "", "", "", address, 5060, address, 5060, "", "", false,
                Instant.ofEpochSecond(second));
    }

    private long unassignedFrom(String address) {
        return records.values().stream().filter(r -> r.sighting.sourceAddress().equals(address))
                .filter(r -> !assigned.contains(r.mac)).count();
    }
}
