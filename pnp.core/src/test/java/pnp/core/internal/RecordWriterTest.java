package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.MacAddress;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;

/**
 * The group commit: what waits for a record runs on the worker only once the record is in the journal;
 * lines and deletions keep their order; a record already written does not wait.
 */
class RecordWriterTest {

    @TempDir
    Path dir;
    final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-worker"));
    final Map<MacAddress, PhoneRecord> records = new ConcurrentHashMap<>();
    RecordWriter writer;

    @AfterEach
    void stop() throws Exception {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
        if (writer != null) {
            writer.close(5, TimeUnit.SECONDS);
        }
    }

    /** The store thread; a test holds it with a task that waits for {@link #release}. */
    final ScheduledExecutorService storeThread = Executors.newSingleThreadScheduledExecutor();
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    RecordWriter start() throws IOException {
        writer = new RecordWriter(new PhoneRecordStore(dir), worker, records::get, storeThread);
        onWorker(() -> writer.load());
        return writer;
    }

    void holdTheStoreThread() {
        storeThread.execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    PhoneRecord phone(int n) {
        MacAddress mac = MacAddress.parse(String.format("000b82%06x", n)).orElseThrow();
        PhoneRecord rec = new PhoneRecord(mac);
        rec.token = "token-" + n;
        rec.secretsUnsaved = true;
        rec.sighting = new PhoneSighting(mac, "Grandstream", "GXP2140", "1", "", "10.0.0." + n, 5060, "10.0.0." + n,
                5060, "eth0", "10.0.0.1", true, Instant.now());
        rec.state(PhoneState.ASSIGNED, "test", Instant.now());
        records.put(mac, rec);
        return rec;
    }

    <T> T onWorker(java.util.concurrent.Callable<T> task) {
        try {
            return worker.submit(task).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    String journal() throws IOException {
        Path j = dir.resolve(PhoneRecordStore.JOURNAL);
        return Files.exists(j) ? Files.readString(j) : "";
    }

    @Test
    void anActionWaitingForARecordRunsOnTheWorkerOnceItIsInTheJournal() throws Exception {
        start();
        List<CompletableFuture<String>> seen = new ArrayList<>();
        onWorker(() -> {
            for (int n = 1; n <= 50; n++) {
                PhoneRecord rec = phone(n);
                CompletableFuture<String> f = new CompletableFuture<>();
                seen.add(f);
                writer.whenSaved(rec, failure -> {
                    try {
                        assertNull(failure);
                        assertEquals("test-worker", Thread.currentThread().getName(), "on the worker");
                        f.complete(journal().contains("token=" + rec.token + "\t") ? rec.token : "not yet written");
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                });
            }
            return null;
        });
        for (int n = 1; n <= 50; n++) {
            assertEquals("token-" + n, seen.get(n - 1).get(10, TimeUnit.SECONDS));
        }
        PhoneRecord first = records.get(MacAddress.parse("000b82000001").orElseThrow());
        assertFalse(first.servingUnsaved(), "written: what it serves is on disk");
    }

    @Test
    void aRecordAlreadyWrittenDoesNotWait() throws Exception {
        start();
        PhoneRecord rec = phone(7);
        CompletableFuture<Void> written = new CompletableFuture<>();
        onWorker(() -> {
            writer.whenSaved(rec, failure -> written.complete(null));
            return null;
        });
        written.get(10, TimeUnit.SECONDS);
        boolean ranAtOnce = onWorker(() -> {
            boolean[] ran = { false };
            writer.whenSaved(rec, failure -> ran[0] = true);
            return ran[0];
        });
        assertTrue(ranAtOnce);
        boolean waitsAfterAChange = onWorker(() -> {
            rec.bootstrapFrom = "10.0.0.99"; // what it serves changed
            boolean[] ran = { false };
            writer.whenSaved(rec, failure -> ran[0] = true);
            return ran[0];
        });
        assertFalse(waitsAfterAChange, "a change of what is served waits for its write");
    }

    @Test
    void servingAgainWhatWasWrittenBeforeAPendingLineIsWrittenAfterIt() throws Exception {
        start();
        PhoneRecord rec = phone(4);
        CompletableFuture<Void> first = new CompletableFuture<>();
        onWorker(() -> {
            writer.whenSaved(rec, f -> first.complete(null));
            return null;
        });
        first.get(10, TimeUnit.SECONDS);
        holdTheStoreThread();
        CompletableFuture<IOException> back = new CompletableFuture<>();
        onWorker(() -> {
            rec.bootstrapFrom = "10.0.0.99";
            writer.whenSaved(rec, f -> { });
            rec.bootstrapFrom = ""; // as written at first, with the other line still queued
            writer.whenSaved(rec, back::complete);
            return null;
        });
        release.countDown();
        assertNull(back.get(10, TimeUnit.SECONDS));
        writer.close(5, TimeUnit.SECONDS);
        assertEquals("", new PhoneRecordStore(dir).loadAll().get(0).bootstrapFrom, "the last line is the latest");
        writer = null;
    }

    @Test
    void aDeleteAfterQueuedLinesWinsAndALineAfterADeleteBringsItBack() throws Exception {
        start();
        PhoneRecord gone = phone(1);
        PhoneRecord back = phone(2);
        CompletableFuture<Void> done = new CompletableFuture<>();
        holdTheStoreThread(); // everything below is taken by one drain: one append, deletes in their place
        onWorker(() -> {
            writer.whenSaved(gone, f -> { });
            writer.changed(back.mac);
            writer.flush();
            writer.forget(gone.mac);
            writer.forget(back.mac);
            back.reason = "written again";
            back.secretsUnsaved = true;
            writer.whenSaved(back, f -> done.complete(null));
            return null;
        });
        release.countDown();
        done.get(10, TimeUnit.SECONDS);
        writer.close(5, TimeUnit.SECONDS);
        List<PhoneRecord> loaded = new PhoneRecordStore(dir).loadAll();
        assertEquals(1, loaded.size(), "only the phone written after its delete");
        assertEquals(back.mac, loaded.get(0).mac);
        assertEquals("written again", loaded.get(0).reason);
        writer = null;
    }

    @Test
    void aWriteThatFailsIsReportedAndRetriedWithTheNextFlush() throws Exception {
        Files.createDirectories(dir.resolve(PhoneRecordStore.JOURNAL)); // the journal cannot be opened
        start();
        PhoneRecord rec = phone(3);
        CompletableFuture<IOException> result = new CompletableFuture<>();
        onWorker(() -> {
            writer.whenSaved(rec, result::complete);
            return null;
        });
        assertNotNull(result.get(10, TimeUnit.SECONDS), "the action is told the record is not on disk");
        assertTrue(onWorker(rec::servingUnsaved), "still unsaved: the next flush writes it again");
    }
}
