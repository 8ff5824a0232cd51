package pnp.sip.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

import pnp.api.MacAddress;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;

/** Each NOTIFY outcome is one INFO line; a burst is summed up instead of flooding the log. */
class NotifyLogTest {

    final List<String> lines = new ArrayList<>();
    final NotifyLog log = new NotifyLog((Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] { Logger.class }, (p, m, a) -> {
                if (m.getName().equals("info") && a != null && a[0] instanceof String format) {
                    Object[] args = a.length == 2 && a[1] instanceof Object[] arr ? arr
                            : java.util.Arrays.copyOfRange(a, 1, a.length);
                    lines.add(MessageFormatter.arrayFormat(format, args).getMessage());
                }
                return m.getReturnType() == boolean.class ? Boolean.TRUE : null;
            }));

    static PhoneSighting phone(int i) {
        return new PhoneSighting(MacAddress.parse(String.format("000b82%06x", i)).orElseThrow(), "Grandstream",
                "GXP2140", "1", "", "192.0.2.7", 5062, "192.0.2.7", 5062, "eth0", "192.0.2.1", true, Instant.now());
    }

    @Test
    void eachOutcomeIsOneLine() {
        log.sent(phone(1));
        log.outcome(phone(1), new NotifyOutcome(true, 200, "200 OK"));
        log.outcome(phone(2), new NotifyOutcome(false, 0, "no answer (timeout)"));
        assertEquals(List.of("NOTIFY sent to phone 000b82000001 at 192.0.2.7:5062",
                "NOTIFY to phone 000b82000001 answered 200 OK",
                "NOTIFY to phone 000b82000002 failed: no answer (timeout)"), lines);
        log.flush();
        assertEquals(3, lines.size(), "nothing to sum up");
    }

    @Test
    void aBurstIsSummedUp() {
        for (int i = 0; i < 100; i++) {
            log.sent(phone(i));
            log.outcome(phone(i), i % 10 == 0 ? new NotifyOutcome(false, 481, "481 Gone\u001b[2J")
                    : new NotifyOutcome(true, 200, "200 OK"));
        }
        assertTrue(lines.size() <= NotifyLog.LINES_PER_SECOND, lines.toString());
        log.flush();
        String summary = lines.get(lines.size() - 1);
        int logged = lines.size() - 1;
        assertTrue(summary.startsWith("NOTIFYs not logged one by one: "), summary);
        assertTrue(summary.contains("{481="), summary);
        int counted = 0;
        for (String part : summary.substring(summary.indexOf(": ") + 2).split(", ")) {
            counted += Integer.parseInt(part.trim().split(" ")[0]);
        }
        assertEquals(200, counted + logged, "every sent and every outcome is either a line or counted: " + summary);
        assertTrue(lines.stream().noneMatch(l -> l.indexOf('\u001b') >= 0), "control characters escaped");
    }
}
