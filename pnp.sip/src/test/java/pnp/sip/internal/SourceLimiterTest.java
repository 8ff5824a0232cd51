package pnp.sip.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceLimiterTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstThenTheRateAndOtherSourcesUntouched() {
        SourceLimiter limiter = new SourceLimiter(1, 2, 100);
        long t = 10 * SECOND;
        assertTrue(limiter.allow("10.0.0.1", t));
        assertTrue(limiter.allow("10.0.0.1", t));
        assertFalse(limiter.allow("10.0.0.1", t), "burst of 2 used up");
        assertTrue(limiter.allow("10.0.0.2", t), "another source has its own bucket");
        assertTrue(limiter.allow("10.0.0.1", t + SECOND), "one token a second");
        assertFalse(limiter.allow("10.0.0.1", t + SECOND));
    }

    @Test
    void aClockReadingOlderThanTheBucketsCostsNoToken() {
        // several threads read the clock before the bucket's lock: the later one may carry the older time
        SourceLimiter limiter = new SourceLimiter(1, 2, 100);
        long t = 10 * SECOND;
        assertTrue(limiter.allow("10.0.0.1", t));
        assertTrue(limiter.allow("10.0.0.1", t - SECOND / 10), "the burst's second message");
        assertFalse(limiter.allow("10.0.0.1", t));
        assertTrue(limiter.allow("10.0.0.1", t + SECOND));
        assertFalse(limiter.allow("10.0.0.1", t + SECOND), "the interval was not counted twice");
    }
}
