package pnp.core.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.MacAddress;

/**
 * Writes phone records to the {@link PhoneRecordStore} without making the inventory's worker wait for
 * the disk. The worker formats a record (consistent with its state) and queues the line; the store
 * thread appends everything queued since its last append in one write (group commit), and deletes in
 * their place, so a phone's last line is always its latest state. Three ways in:
 * <ul>
 * <li>{@link #changed}: written with the next {@link #flush} (once a second, on the worker);</li>
 * <li>{@link #whenSaved}: for a record whose loss would break a promise about to be made to the phone
 * (a token or password about to go out in a NOTIFY or a file): the action runs on the worker once the
 * record as it is now has been written, or at once when it already was;</li>
 * <li>{@link #forget}: the record's deletion, after any line of it still queued.</li>
 * </ul>
 *
 * <p>Threading: everything but {@link #close} on the inventory's worker thread; {@link #drain} on the
 * store thread, which never touches inventory state (results go back to the worker as a task).
 */
final class RecordWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);

    /** A record formatted for the store; {@code save} is set when the worker waits for it. */
    private record Line(MacAddress mac, byte[] content, Save save) {
    }

    /** A record's deletion, queued in order with its lines. */
    private record Delete(MacAddress mac) {
    }

    /** One write the worker waits for: what the record served when it was formatted, and what runs after. */
    private static final class Save {
        final String serving;
        final List<Consumer<IOException>> then = new ArrayList<>(2);

        Save(String serving) {
            this.serving = serving;
        }
    }

    private final PhoneRecordStore store;
    private final ScheduledExecutorService worker;
    /** The worker's current record of a phone, or null when it was forgotten. */
    private final Function<MacAddress, PhoneRecord> records;
    private final Set<MacAddress> dirty = new LinkedHashSet<>();
    /** Worker only: the latest queued save of each phone, until it is written. */
    private final Map<MacAddress, Save> saving = new HashMap<>();
    /** Lines and deletes in the worker's order, taken by the store thread. */
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    /**
     * How long the store thread lets lines gather before it appends them: in a boot storm a few phones
     * arrive per millisecond, and one write for all of them costs what one write for each did (measured
     * in sip-bench: the store thread's CPU and the worker's hand-backs fall with the number of writes),
     * while a NOTIFY waits at most this much longer.
     */
    static final long GATHER_MICROS = 1000;

    /** Writes phone records, in the order they were handed over; never touches inventory state. */
    private final ScheduledExecutorService storeThread;

    RecordWriter(PhoneRecordStore store, ScheduledExecutorService worker, Function<MacAddress, PhoneRecord> records) {
        this(store, worker, records, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pnp-inventory-store");
            t.setDaemon(true);
            return t;
        }));
    }

    /** With the store thread given (a test holds it to see what one append takes). */
    RecordWriter(PhoneRecordStore store, ScheduledExecutorService worker, Function<MacAddress, PhoneRecord> records,
            ScheduledExecutorService storeThread) {
        this.store = store;
        this.worker = worker;
        this.records = records;
        this.storeThread = storeThread;
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

    /** Queues every changed record, formatted now. */
    void flush() {
        if (dirty.isEmpty()) {
            return;
        }
        for (MacAddress mac : dirty) {
            PhoneRecord rec = records.apply(mac);
            if (rec != null) {
                queue.add(new Line(mac, PhoneRecordStore.format(rec), saveOf(rec)));
            }
        }
        dirty.clear();
        drainSoon();
    }

    /**
     * Runs {@code then} on the worker once the record, as it is now, is on disk (with null), or could not
     * be written (with the error; it is written again with a later flush). At once when what the record
     * serves was written already; after the queued write when one with the same content is under way.
     */
    void whenSaved(PhoneRecord rec, Consumer<IOException> then) {
        String serving = rec.serving();
        Save pending = saving.get(rec.mac);
        if (pending != null && !rec.secretsUnsaved && pending.serving.equals(serving)) {
            pending.then.add(then);
            return;
        }
        if (pending == null && !rec.secretsUnsaved && serving.equals(rec.savedServing)) {
            then.accept(null);
            return;
        }
        // Also when it serves again what was written before a pending line: that line must not be the last.
        Save save = newSave(rec, serving);
        save.then.add(then);
        dirty.remove(rec.mac);
        queue.add(new Line(rec.mac, PhoneRecordStore.format(rec), save));
        drainSoon();
    }

    /** The save a line of the record fulfils: a new one when it carries unsaved serving state, else null. */
    private Save saveOf(PhoneRecord rec) {
        return rec.servingUnsaved() ? newSave(rec, rec.serving()) : null;
    }

    private Save newSave(PhoneRecord rec, String serving) {
        Save save = new Save(serving);
        rec.secretsUnsaved = false; // in this line now; set again if it cannot be written
        saving.put(rec.mac, save);
        return save;
    }

    /** Deletes the phone's record, after any line of it that is still queued. */
    void forget(MacAddress mac) {
        dirty.remove(mac);
        queue.add(new Delete(mac));
        drainSoon();
    }

    private void drainSoon() {
        if (drainQueued.compareAndSet(false, true)) {
            try {
                storeThread.schedule(this::drain, GATHER_MICROS, TimeUnit.MICROSECONDS);
            } catch (RejectedExecutionException e) {
                drain(); // stopping: write it here
            }
        }
    }

    /** Store thread: appends all lines queued so far in one write, deletes in their place. */
    private void drain() {
        drainQueued.set(false); // what is queued after this is taken by the next drain
        Map<MacAddress, byte[]> batch = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>();
        for (Object item = queue.poll(); item != null; item = queue.poll()) {
            if (item instanceof Line line) {
                batch.put(line.mac(), line.content()); // a later line of the same phone replaces an earlier one
                lines.add(line);
            } else if (item instanceof Delete delete) {
                write(batch, lines);
                batch = new LinkedHashMap<>();
                lines = new ArrayList<>();
                try {
                    store.delete(delete.mac());
                } catch (IOException e) {
                    LOG.warn("Cannot delete the record of phone {}: {}", delete.mac(), e.toString());
                }
            }
        }
        write(batch, lines);
    }

    private void write(Map<MacAddress, byte[]> batch, List<Line> lines) {
        if (lines.isEmpty()) {
            return;
        }
        IOException failure = null;
        try {
            store.write(batch);
        } catch (IOException e) {
            failure = e;
            LOG.error("Cannot save {} phone record(s) in {}: {} (will retry in a second)", batch.size(),
                    store.directory(), e.toString());
        }
        if (failure == null && lines.stream().allMatch(l -> l.save() == null)) {
            return; // nobody waits
        }
        IOException result = failure;
        try {
            worker.execute(() -> written(lines, result));
        } catch (RejectedExecutionException e) {
            // stopping: nobody left to tell
        }
    }

    /** Worker: the lines were written (failure null) or not. */
    private void written(List<Line> lines, IOException failure) {
        for (Line line : lines) {
            PhoneRecord rec = records.apply(line.mac());
            Save save = line.save();
            if (failure != null && rec != null) {
                dirty.add(line.mac()); // with the next flush
                if (save != null) {
                    rec.secretsUnsaved = true;
                }
            }
            if (save == null) {
                continue;
            }
            if (saving.get(line.mac()) == save) {
                saving.remove(line.mac());
            }
            if (failure == null && rec != null) {
                rec.savedServing = save.serving;
            }
            save.then.forEach(t -> t.accept(failure));
        }
    }

    /** After the worker has stopped (and flushed): writes what is queued and closes the journal. */
    boolean close(long timeout, TimeUnit unit) throws InterruptedException {
        storeThread.execute(() -> {
            drain();
            store.close();
        });
        storeThread.shutdown();
        return storeThread.awaitTermination(timeout, unit);
    }
}
