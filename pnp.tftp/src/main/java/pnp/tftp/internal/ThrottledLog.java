package pnp.tftp.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether a line about a bad packet may be logged: at most one per source address per
 * {@value #INTERVAL_SECONDS} seconds, so a flood cannot fill the log.
 *
 * <p>Threading: thread-safe; two threads may rarely both log for the same source, which is harmless.
 */
final class ThrottledLog {

    static final int INTERVAL_SECONDS = 10;
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS);
    /** Bounds memory under a flood from many (spoofed) sources. */
    private static final int MAX_SOURCES = 4096;

    private final ConcurrentHashMap<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();

    boolean permits(InetAddress source) {
        long now = System.nanoTime();
        Long last = lastLogged.get(source);
        if (last != null && now - last < INTERVAL_NANOS) {
            return false;
        }
        if (lastLogged.size() >= MAX_SOURCES) {
            lastLogged.clear();
        }
        lastLogged.put(source, now);
        return true;
    }

    /** Text from the network made safe for a log line: printable ASCII, at most 80 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), 80) + 8);
        for (int i = 0; i < text.length() && b.length() < 80; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\x%02x", (int) c & 0xff));
            }
        }
        if (b.length() >= 80) {
            b.append("...");
        }
        return b.toString();
    }
}
