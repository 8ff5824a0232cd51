package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    final LoginThrottle throttle = new LoginThrottle();

    @Test
    void theDelayDoublesFromOneSecondUpToThirty() {
        long[] seconds = new long[8];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = LoginThrottle.delayMillis(i + 1) / 1000;
        }
        assertEquals("[1, 2, 4, 8, 16, 30, 30, 30]", java.util.Arrays.toString(seconds));
        assertEquals(30_000, LoginThrottle.delayMillis(Integer.MAX_VALUE));
    }

    @Test
    void aSourceIsRefusedWhileItsDelayLastsAndOnlyThat() {
        long t = 1_000_000;
        assertEquals(0, throttle.refusedForMillis("10.0.0.5", t), "no failure yet");
        assertEquals(1, throttle.failed("10.0.0.5", t));
        assertEquals(1000, throttle.refusedForMillis("10.0.0.5", t));
        assertEquals(1, throttle.refusedForMillis("10.0.0.5", t + 999));
        assertEquals(0, throttle.refusedForMillis("10.0.0.5", t + 1000));
        assertEquals(2, throttle.failed("10.0.0.5", t + 1000));
        assertEquals(2000, throttle.refusedForMillis("10.0.0.5", t + 1000));
        assertEquals(0, throttle.refusedForMillis("10.0.0.6", t + 1000), "another source is not slowed down");
    }

    @Test
    void aSuccessResetsTheSource() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("10.0.0.5", i * 60_000L);
        }
        assertEquals(30_000, throttle.refusedForMillis("10.0.0.5", 5 * 60_000L));
        throttle.succeeded("10.0.0.5");
        assertEquals(0, throttle.refusedForMillis("10.0.0.5", 5 * 60_000L));
        assertEquals(1, throttle.failed("10.0.0.5", 6 * 60_000L), "counting starts again");
    }

    @Test
    void aLongQuietForgetsEarlierFailures() {
        throttle.failed("10.0.0.5", 0);
        throttle.failed("10.0.0.5", 1);
        long later = TimeUnit.MINUTES.toMillis(LoginThrottle.FORGET_MINUTES) + 2;
        assertEquals(1, throttle.failed("10.0.0.5", later));
    }

    @Test
    void memoryIsBoundedAndTheLeastRecentSourceGoesFirst() {
        throttle.failed("attacker", 0);
        for (int i = 0; i < LoginThrottle.MAX_SOURCES + 5_000; i++) {
            throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff), 1);
            if (i % 1000 == 0) {
                throttle.refusedForMillis("attacker", 1);
            }
            assertTrue(throttle.trackedSources() <= LoginThrottle.MAX_SOURCES);
        }
        assertEquals(LoginThrottle.MAX_SOURCES, throttle.trackedSources());
        assertTrue(throttle.refusedForMillis("attacker", 1) > 0, "an entry in use is kept");
    }

    @Test
    void anIpv6SourceIsItsSlash64() throws Exception {
        assertEquals("2001:db8:0:1::/64", LoginThrottle.source(InetAddress.getByName("2001:db8:0:1:aaaa::1")));
        assertEquals("2001:db8:0:1::/64", LoginThrottle.source(InetAddress.getByName("2001:db8:0:1:bbbb::2")));
        assertEquals("192.0.2.7", LoginThrottle.source(InetAddress.getByName("192.0.2.7")));
        assertEquals("192.0.2.7", ConsoleGuard.source("192.0.2.7"));
        assertEquals("0:0:0:0::/64", ConsoleGuard.source("[::1]"));
        assertEquals("not-an-address", ConsoleGuard.source("not-an-address"), "never looked up");
    }

    @Test
    void oneLogLinePerIntervalCountingTheOthers() {
        ConsoleGuard.LogBudget budget = new ConsoleGuard.LogBudget();
        assertEquals(0, budget.take(0));
        assertEquals(-1, budget.take(1));
        assertEquals(-1, budget.take(9_999));
        assertEquals(2, budget.take(10_000), "two held back");
        assertEquals(-1, budget.take(10_001));
    }

    @Test
    void logTextIsEscapedAndBounded() {
        assertEquals("a\\x1b[31m\\x00\\x7f\\\\b\\u2028", LogText.escape("a\u001b[31m\u0000\u007f\\b\u2028"));
        assertEquals("(none)", LogText.escape(null));
        String cut = LogText.escape("x".repeat(1000));
        assertEquals(LogText.MAX_LENGTH + 3, cut.length());
        assertTrue(cut.endsWith("..."));
    }
}
