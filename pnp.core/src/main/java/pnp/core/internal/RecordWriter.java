package pnp.core.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.MacAddress;

/**
 * Writes phone records to the {@link PhoneRecordStore} without making the inventory's worker wait for
 * the disk: the worker marks records {@link #changed}, and {@link #flush} (once a second, on the worker)
 * formats every changed record and hands the batch to the store thread, which appends it (and compacts
 * the journal when it is mostly dead lines). Writes, deletes and compactions happen on the store thread
 * in the order they were handed over, so a phone's last line is always its latest state.
 *
 * <p>{@link #saveNow} is the exception: for a record whose loss would break a promise already made
 * to the phone (a token or password about to go out, files about to be served), it waits for the write.
 *
 * <p>Threading: everything but {@link #close} on the inventory's worker thread.
 */
final class RecordWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);

    private final PhoneRecordStore store;
    private final ScheduledExecutorService worker;
    /** The worker's current record of a phone, or null when it was forgotten. */
    private final Function<MacAddress, PhoneRecord> records;
    private final Set<MacAddress> dirty = new LinkedHashSet<>();
    /** Writes phone records, in the order they were handed over; never touches inventory state. */
    private final ExecutorService storeThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pnp-inventory-store");
        t.setDaemon(true);
        return t;
    });

    RecordWriter(PhoneRecordStore store, ScheduledExecutorService worker, Function<MacAddress, PhoneRecord> records) {
        this.store = store;
        this.worker = worker;
        this.records = records;
    }

    /** Every record in the store; before anything is written. */
    List<PhoneRecord> load() {
        List<PhoneRecord> loaded = store.loadAll();
        loaded.forEach(PhoneRecord::saved);
        return loaded;
    }

    String where() {
        return store.directory().toString();
    }

    /** The record is to be written with the next flush. */
    void changed(MacAddress mac) {
        dirty.add(mac);
    }

    /** Hands every changed record to the store thread: formatted here (consistent with the worker's state), written there. */
    void flush() {
        if (dirty.isEmpty()) {
            return;
        }
        Map<MacAddress, byte[]> batch = new LinkedHashMap<>();
        for (MacAddress mac : dirty) {
            PhoneRecord rec = records.apply(mac);
            if (rec != null) {
                batch.put(mac, PhoneRecordStore.format(rec));
                rec.saved();
            }
        }
        dirty.clear();
        try {
            storeThread.execute(() -> write(batch));
        } catch (RejectedExecutionException e) {
            write(batch); // stopping: write it here
        }
    }

    private void write(Map<MacAddress, byte[]> batch) {
        try {
            store.write(batch);
        } catch (IOException e) {
            LOG.error("Cannot save {} phone record(s) in {}: {} (will retry in a second)", batch.size(),
                    store.directory(), e.toString());
            try {
                worker.schedule(() -> batch.keySet().stream().filter(m -> records.apply(m) != null)
                        .forEach(dirty::add), 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException ex) {
                // stopping: nothing left to retry with
            }
        }
    }

    /** Writes one record now, waiting for the store thread (after anything handed to it before). */
    void saveNow(PhoneRecord rec) throws IOException {
        byte[] content = PhoneRecordStore.format(rec);
        try {
            storeThread.submit(() -> {
                store.write(Map.of(rec.mac, content));
                return null;
            }).get(10, TimeUnit.SECONDS);
            rec.saved();
            dirty.remove(rec.mac);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while saving phone " + rec.mac);
        } catch (TimeoutException | RejectedExecutionException e) {
            throw new IOException("could not save phone " + rec.mac + ": " + e);
        }
    }

    /** Deletes the phone's record, after any write of it that is still queued. */
    void forget(MacAddress mac) {
        dirty.remove(mac);
        Runnable delete = () -> {
            try {
                store.delete(mac);
            } catch (IOException e) {
                LOG.warn("Cannot delete the record of phone {}: {}", mac, e.toString());
            }
        };
        try {
            storeThread.execute(delete);
        } catch (RejectedExecutionException e) {
            delete.run();
        }
    }

    /** After the worker has stopped (and flushed): writes what is queued and closes the journal. */
    boolean close(long timeout, TimeUnit unit) throws InterruptedException {
        storeThread.execute(store::close);
        storeThread.shutdown();
        return storeThread.awaitTermination(timeout, unit);
    }
}
