package pnp.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import pnp.api.MacAddress;

/**
 * The phones waiting for their resync NOTIFY, first come first sent, and the rate they leave at. A
 * phone enters with the time it becomes due: a change of its files waits a few seconds (so that
 * several edits in a row make one NOTIFY, and the phone downloads the last of them); a change while it
 * waits moves it to the end with a new due time. Nothing is ever dropped: a phone leaves only when
 * it is {@link #poll polled} (sent) or {@link #remove removed} (it no longer needs one).
 *
 * <p>The rate is a token bucket refilled at {@code perSecond}, holding at most one second's worth, so
 * 5,000 phones changed at once go out at that rate, and a single change goes out at once.
 *
 * <p>No clock of its own, no threads: the caller passes the time. Threading: the inventory's worker only.
 */
final class ResyncQueue {

    /** Due times never decrease along the queue: every entry is added at the end with now + the same delay. */
    private final Map<MacAddress, Instant> queue = new LinkedHashMap<>();
    private int perSecond;
    private double tokens;
    private Instant refilled;
    /** The due time of the last phone added (a floor for the next one). */
    private Instant lastDue;

    ResyncQueue(int perSecond) {
        rate(perSecond);
    }

    /** At least one a second. */
    void rate(int perSecond) {
        this.perSecond = Math.max(1, perSecond);
        tokens = Math.min(tokens, this.perSecond);
    }

    int rate() {
        return perSecond;
    }

    /** Queues the phone, due at {@code due}; a phone already queued moves to the end. */
    void offer(MacAddress mac, Instant due) {
        queue.remove(mac);
        if (queue.isEmpty() || due.isAfter(lastDue)) {
            lastDue = due;
        }
        // keep the due times in order, so that the head is always the first due
        queue.put(mac, lastDue);
    }

    boolean remove(MacAddress mac) {
        return queue.remove(mac) != null;
    }

    boolean contains(MacAddress mac) {
        return queue.containsKey(mac);
    }

    int size() {
        return queue.size();
    }

    /** The phones to send now: due, in order, as many as the rate allows since the last call. */
    List<MacAddress> poll(Instant now) {
        refill(now);
        List<MacAddress> out = new ArrayList<>();
        Iterator<Map.Entry<MacAddress, Instant>> it = queue.entrySet().iterator();
        while (tokens >= 1 && it.hasNext()) {
            Map.Entry<MacAddress, Instant> e = it.next();
            if (e.getValue().isAfter(now)) {
                break;
            }
            it.remove();
            out.add(e.getKey());
            tokens--;
        }
        return out;
    }

    private void refill(Instant now) {
        if (refilled == null) {
            tokens = perSecond;
        } else if (now.isAfter(refilled)) {
            double seconds = Duration.between(refilled, now).toNanos() / 1e9;
            tokens = Math.min(perSecond, tokens + seconds * perSecond);
        }
        refilled = now;
    }
}
