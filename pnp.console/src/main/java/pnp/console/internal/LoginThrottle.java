package pnp.console.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A growing delay per source after failed console logins. After the n-th failure in a row, logins from that
 * source are refused for min(2^(n-1) s, {@value #MAX_DELAY_SECONDS} s): 1, 2, 4, 8, 16, 30, 30, ... A success
 * forgets the source; so does {@value #FORGET_MINUTES} minutes without a failure. While refused, a login is
 * answered at once (429) without its password being checked, so guessing gains nothing from the wait and no
 * request thread sleeps.
 *
 * <p>A source is an IPv4 address, or an IPv6 /64 (one host usually has a whole /64 to pick addresses from). At
 * most {@value #MAX_SOURCES} sources are kept, the least recently seen dropped first: memory is bounded; a
 * flood from more sources than that can push an attacker's own entry out, which then starts again at 1 s.
 *
 * <p>Times are milliseconds on any monotonic clock the caller chooses. Threading: every method is
 * synchronized; each is a map operation.
 */
final class LoginThrottle {

    static final int MAX_DELAY_SECONDS = 30;
    static final int FORGET_MINUTES = 15;
    static final int MAX_SOURCES = 10_000;

    private static final long FORGET_MILLIS = TimeUnit.MINUTES.toMillis(FORGET_MINUTES);

    /** Failures in a row from one source and until when its logins are refused. */
    private static final class Failures {
        int count;
        long last;
        long until;
    }

    private final Map<String, Failures> sources = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    /** The source key of a remote address: the address, or its /64 for IPv6. */
    static String source(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] a = address.getAddress();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                b.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff))).append(':');
            }
            return b.append(":/64").toString();
        }
        return address.getHostAddress();
    }

    /** The delay after {@code failures} failures in a row, in milliseconds. */
    static long delayMillis(int failures) {
        int exponent = Math.min(Math.max(failures - 1, 0), 5);
        return TimeUnit.SECONDS.toMillis(Math.min(1L << exponent, MAX_DELAY_SECONDS));
    }

    /** How long logins from {@code source} are still refused, in milliseconds; 0 when they are taken. */
    synchronized long refusedForMillis(String source, long now) {
        Failures f = sources.get(source);
        return f == null ? 0 : Math.max(0, f.until - now);
    }

    /** Records a failed login; returns the failures in a row from that source, this one included. */
    synchronized int failed(String source, long now) {
        Failures f = sources.computeIfAbsent(source, s -> new Failures());
        if (f.count > 0 && now - f.last > FORGET_MILLIS) {
            f.count = 0;
        }
        f.count++;
        f.last = now;
        f.until = now + delayMillis(f.count);
        return f.count;
    }

    /** Records a successful login: the source starts again from no failures. */
    synchronized void succeeded(String source) {
        sources.remove(source);
    }

    synchronized int trackedSources() {
        return sources.size();
    }
}
