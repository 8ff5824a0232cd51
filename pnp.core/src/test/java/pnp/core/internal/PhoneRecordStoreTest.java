package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;

class PhoneRecordStoreTest {

    /** What phones send is theirs to choose: line breaks, backslashes, '=' and blanks must come back as sent. */
    static final String HOSTILE = " lead\\ing=x:y\r\nstate=FORGED\n#!\t\f\u00e9\u4e2d\\";
    /** Nothing in it needs escaping, so it is written as it is; it must still come back whole. */
    static final String PLAIN_BUT_ODD = "#x=y:z !a \u00e9\u4e2d trailing ";

    @Test
    void everyFieldComesBackAsWritten(@TempDir Path dir) throws Exception {
        PhoneRecordStore store = new PhoneRecordStore(dir);
        MacAddress mac = MacAddress.parse("000B82273B89").orElseThrow();
        PhoneRecord rec = new PhoneRecord(mac);
        Instant t = Instant.parse("2026-11-22T10:15:30.123456Z");
        rec.sighting = new PhoneSighting(mac, "Grandstream", HOSTILE, "1.0", HOSTILE, "10.0.0.5", 5062, "10.0.0.5", 5062,
                "eth0", "10.0.0.1", true, t);
        rec.firstSeen = t;
        rec.sightings = 3;
        rec.profile = "Grandstream";
        rec.claimReason = PLAIN_BUT_ODD;
        rec.state = PhoneState.PROVISIONED;
        rec.stateSince = t;
        rec.reason = HOSTILE;
        rec.token = "tok";
        rec.revision = 7;
        rec.downloads = 2;
        rec.notifiedAt = t;
        rec.lastDownload = new Phone.Download("cfg000b82273b89", "http", "10.0.0.5", HOSTILE, t);
        store.save(rec);

        List<PhoneRecord> loaded = store.loadAll();
        assertEquals(1, loaded.size(), Files.readString(dir.resolve(PhoneRecordStore.JOURNAL)));
        PhoneRecord back = loaded.get(0);
        assertEquals(PhoneState.PROVISIONED, back.state, "a forged line in a value must not become a key");
        assertEquals(HOSTILE, back.reason);
        assertEquals(PLAIN_BUT_ODD, back.claimReason);
        assertEquals(rec.sighting, back.sighting);
        assertEquals(rec.lastDownload, back.lastDownload);
        assertEquals(t, back.notifiedAt);
        assertEquals(7, back.revision);
        assertEquals(2, back.downloads);
        assertEquals("tok", back.token);
        assertEquals(rec.snapshot("201"), back.snapshot("201"));
    }

    static PhoneRecord record(String mac, PhoneState state) {
        PhoneRecord rec = new PhoneRecord(MacAddress.parse(mac).orElseThrow());
        rec.state = state;
        rec.reason = "r-" + state;
        return rec;
    }

    @Test
    void aNewSightingIsWrittenNotTheOneBefore(@TempDir Path dir) throws Exception {
        PhoneRecordStore store = new PhoneRecordStore(dir);
        store.loadAll();
        PhoneRecord rec = record("000b82000009", PhoneState.NOTIFIED);
        MacAddress mac = rec.mac;
        rec.sighting = new PhoneSighting(mac, "Grandstream", "GXP2140", "1.0", "ua", "10.0.0.7", 5060, "10.0.0.7",
                5060, "eth0", "10.0.0.1", true, Instant.parse("2026-12-05T10:00:00Z"));
        store.save(rec);
        store.save(rec); // the sighting's part made once, used twice
        rec.sighting = new PhoneSighting(mac, "Grandstream", "GXP2170", "1.1", "ua2", "10.0.0.8", 5062, "10.0.0.8",
                5062, "eth0", "10.0.0.1", false, Instant.parse("2026-12-05T10:05:00Z"));
        store.save(rec);
        store.close();
        PhoneSighting loaded = new PhoneRecordStore(dir).loadAll().get(0).sighting;
        assertEquals(rec.sighting, loaded);
    }

    @Test
    void compactionKeepsTheLastLineOfEachLivePhoneOnly(@TempDir Path dir) throws Exception {
        PhoneRecordStore store = new PhoneRecordStore(dir);
        store.loadAll();
        PhoneState[] states = PhoneState.values();
        for (int i = 0; i < 1500; i++) { // more lines than 3 x live + 1000: compacted on the way
            PhoneRecord rec = record(String.format("000b82%06x", i % 3), states[i % states.length]);
            rec.reason = HOSTILE + i;
            store.save(rec);
        }
        store.delete(MacAddress.parse("000b82000002").orElseThrow());
        store.save(record("000b82000003", PhoneState.EXPECTED));
        store.close();
        List<String> journal = Files.readAllLines(dir.resolve(PhoneRecordStore.JOURNAL));
        assertTrue(journal.size() < 500, "compacted: " + journal.size() + " lines");
        List<PhoneRecord> loaded = new PhoneRecordStore(dir).loadAll();
        java.util.Map<String, PhoneRecord> byMac = new java.util.HashMap<>();
        loaded.forEach(r -> byMac.put(r.mac.value(), r));
        assertEquals(java.util.Set.of("000b82000000", "000b82000001", "000b82000003"), byMac.keySet());
        assertEquals(HOSTILE + 1497, byMac.get("000b82000000").reason);
        assertEquals(states[1498 % states.length], byMac.get("000b82000001").state);
        assertEquals(HOSTILE + 1498, byMac.get("000b82000001").reason);
    }

    @Test
    void theLastLineOfAPhoneWinsAndForgottenPhonesStayForgotten(@TempDir Path dir) throws Exception {
        PhoneRecordStore store = new PhoneRecordStore(dir);
        store.loadAll();
        store.save(record("000b82000001", PhoneState.EXPECTED));
        store.save(record("000b82000002", PhoneState.EXPECTED));
        store.save(record("000b82000001", PhoneState.NOTIFIED));
        store.delete(MacAddress.parse("000b82000002").orElseThrow());
        store.close();
        List<PhoneRecord> loaded = new PhoneRecordStore(dir).loadAll();
        assertEquals(1, loaded.size());
        assertEquals(PhoneState.NOTIFIED, loaded.get(0).state);
    }

    @Test
    void aLineCutShortByAKillIsIgnoredAndTheNextAppendStartsClean(@TempDir Path dir) throws Exception {
        PhoneRecordStore store = new PhoneRecordStore(dir);
        store.loadAll();
        store.save(record("000b82000001", PhoneState.NOTIFIED));
        store.close();
        Path journal = dir.resolve(PhoneRecordStore.JOURNAL);
        byte[] whole = PhoneRecordStore.format(record("000b82000001", PhoneState.PROVISIONED));
        Files.write(journal, java.util.Arrays.copyOf(whole, whole.length / 2), java.nio.file.StandardOpenOption.APPEND);

        PhoneRecordStore again = new PhoneRecordStore(dir);
        List<PhoneRecord> loaded = again.loadAll();
        assertEquals(PhoneState.NOTIFIED, loaded.get(0).state, "the half line is not a state");
        again.save(record("000b82000002", PhoneState.EXPECTED));
        again.close();
        assertEquals(2, new PhoneRecordStore(dir).loadAll().size(), Files.readString(journal));
    }

    @Test
    void rewritesItselfWhenMostLinesAreDead(@TempDir Path dir) throws Exception {
        PhoneRecordStore store = new PhoneRecordStore(dir);
        store.loadAll();
        for (int i = 0; i < 1500; i++) {
            store.save(record("000b82000001", i % 2 == 0 ? PhoneState.NOTIFIED : PhoneState.DOWNLOADED));
        }
        store.close();
        Path journal = dir.resolve(PhoneRecordStore.JOURNAL);
        long lines = Files.readAllLines(journal).size();
        org.junit.jupiter.api.Assertions.assertTrue(lines < 1500, lines + " lines for one phone");
        assertEquals(PhoneState.DOWNLOADED, new PhoneRecordStore(dir).loadAll().get(0).state);
    }

    @Test
    void recordsOfTheOldOneFilePerPhoneLayoutMoveIntoTheJournal(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("000b82000009.properties"), "mac=000b82000009\nstate=EXPECTED\ntoken=old\n");
        List<PhoneRecord> loaded = new PhoneRecordStore(dir).loadAll();
        assertEquals("old", loaded.get(0).token);
        org.junit.jupiter.api.Assertions.assertFalse(Files.exists(dir.resolve("000b82000009.properties")));
        assertEquals("old", new PhoneRecordStore(dir).loadAll().get(0).token);
    }
}
