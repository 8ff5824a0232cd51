package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;

/** The resync queue on its own: order, due times, rate, nothing lost. Times are given, not read. */
class ResyncQueueTest {

    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void nothingLeavesBeforeItIsDue() {
        ResyncQueue q = new ResyncQueue(20);
        q.offer(mac(1), T0.plusSeconds(5));
        assertEquals(List.of(), q.poll(T0.plusSeconds(4)));
        assertEquals(List.of(mac(1)), q.poll(T0.plusSeconds(5)));
        assertEquals(0, q.size());
    }

    @Test
    void aChangeWhileQueuedMovesThePhoneToTheEndWithItsNewDueTime() {
        ResyncQueue q = new ResyncQueue(20);
        q.offer(mac(1), T0.plusSeconds(5));
        q.offer(mac(2), T0.plusSeconds(6));
        q.offer(mac(1), T0.plusSeconds(8)); // edited again: one NOTIFY, after the last edit
        assertEquals(2, q.size());
        assertEquals(List.of(mac(2)), q.poll(T0.plusSeconds(7)));
        assertEquals(List.of(mac(1)), q.poll(T0.plusSeconds(8)));
    }

    @Test
    void fiveThousandPhonesLeaveAtTheRateFirstComeFirstSentNoneLost() {
        ResyncQueue q = new ResyncQueue(20);
        for (int i = 0; i < 5000; i++) {
            q.offer(mac(i), T0);
        }
        List<MacAddress> sent = new ArrayList<>();
        Instant now = T0;
        int polls = 0;
        while (q.size() > 0 && polls++ < 100_000) {
            List<MacAddress> batch = q.poll(now);
            assertTrue(batch.size() <= 20, "at most one second's worth at once: " + batch.size());
            sent.addAll(batch);
            now = now.plusMillis(100);
        }
        assertEquals(5000, sent.size());
        assertEquals(5000, new HashSet<>(sent).size());
        for (int i = 0; i < 5000; i++) {
            assertEquals(mac(i), sent.get(i), "in the order they were queued");
        }
        // 20 at once, then 2 per 100 ms: the last leaves after (5000 - 20) / 20 = 249 s
        assertEquals(T0.plusSeconds(249), now.minusMillis(100));
    }

    @Test
    void theRateCanChangeWhilePhonesWait() {
        ResyncQueue q = new ResyncQueue(20);
        for (int i = 0; i < 100; i++) {
            q.offer(mac(i), T0);
        }
        assertEquals(20, q.poll(T0).size());
        q.rate(5);
        assertEquals(5, q.poll(T0.plusSeconds(1)).size());
        assertEquals(5, q.poll(T0.plusSeconds(10)).size(), "a pause does not let a burst above one second's worth");
    }

    @Test
    void aRemovedPhoneIsNotSent() {
        ResyncQueue q = new ResyncQueue(20);
        q.offer(mac(1), T0);
        q.offer(mac(2), T0);
        assertTrue(q.remove(mac(1)));
        Set<MacAddress> sent = new HashSet<>(q.poll(T0));
        assertEquals(Set.of(mac(2)), sent);
    }

    static MacAddress mac(int i) {
        return MacAddress.parse(String.format("000b82%06x", i)).orElseThrow();
    }
}
