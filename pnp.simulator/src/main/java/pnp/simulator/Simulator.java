package pnp.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the phones: started at {@code --rate} per second (or all at once), at most {@code --concurrency}
 * in flight, one pool thread each; phones not started before the overall deadline are recorded as
 * such. Returns every phone's result.
 */
final class Simulator {

    private final Options options;
    private final PrintStream progress;
    private int lateNotifies;

    /** @param progress where progress lines go, null for none */
    Simulator(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    PhoneResult[] run() throws IOException {
        int n = options.phones;
        NetworkInterface nif = multicastInterface();
        InetAddress[] locals = localAddresses(nif);
        long begin = System.nanoTime();
        long deadline = begin + Math.round(options.timeoutSeconds * 1e9);
        AtomicReferenceArray<PhoneResult> results = new AtomicReferenceArray<>(n);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(options.concurrency, options.concurrency, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(null, r, "phone-" + counter.incrementAndGet(), 256 * 1024);
                    t.setDaemon(true);
                    return t;
                });
        Thread reporter = progress == null ? null : reporter(n, done, failed, begin);
        Lingerer lingerer = options.lingerMillis > 0 ? new Lingerer(lingerCapacity(options.concurrency)) : null;
        try {
            for (int i = 0; i < n; i++) {
                if (options.rate > 0) {
                    long due = begin + (long) (i * 1e9 / options.rate);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                final int index = i;
                final String mac = options.mac(i);
                final InetAddress local = locals.length == 1 ? locals[0] : locals[i];
                pool.execute(() -> {
                    PhoneResult r = System.nanoTime() >= deadline
                            ? PhoneResult.notStarted(index, mac, local.getHostAddress())
                            : new Phone(options, index, mac, local, nif, deadline, lingerer).run();
                    results.set(index, r);
                    if (!r.ok()) {
                        failed.incrementAndGet();
                    }
                    done.incrementAndGet();
                });
                if (System.nanoTime() >= deadline) {
                    for (int j = i + 1; j < n; j++) {
                        InetAddress l = locals.length == 1 ? locals[0] : locals[j];
                        results.set(j, PhoneResult.notStarted(j, options.mac(j), l.getHostAddress()));
                        failed.incrementAndGet();
                        done.incrementAndGet();
                    }
                    break;
                }
            }
            pool.shutdown();
            // every phone's waits end at the deadline; allow a little more for the last ones to record
            long grace = deadline - System.nanoTime() + 10_000_000_000L;
            if (!pool.awaitTermination(Math.max(grace, 1), TimeUnit.NANOSECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        } finally {
            if (reporter != null) {
                reporter.interrupt();
            }
            if (lingerer != null) {
                lingerer.finish(options.lingerMillis + 1000);
                lateNotifies = lingerer.answered();
            }
        }
        PhoneResult[] out = new PhoneResult[n];
        for (int i = 0; i < n; i++) {
            PhoneResult r = results.get(i);
            out[i] = r != null ? r
                    : new PhoneResult(i, options.mac(i), (locals.length == 1 ? locals[0] : locals[i]).getHostAddress(),
                            "deadline", "still running at the deadline", 0, 0, 0, -1, -1, -1, "", "", 0, 0, 0,
                            Resident.Outcome.NONE);
        }
        return out;
    }

    /**
     * How many finished phones may keep their socket open: the file descriptor limit less what the
     * running phones need (a SIP socket and a TCP or TFTP socket each) and a margin.
     */
    static int lingerCapacity(int concurrency) {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, max - 3L * concurrency - 200));
        }
        return 1000;
    }

    /** NOTIFYs answered by phones that had finished (lingering), known after {@link #run()}. */
    int lateNotifies() {
        return lateNotifies;
    }

    private Thread reporter(int n, AtomicInteger done, AtomicInteger failed, long begin) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(2000);
                    progress.printf(Locale.ROOT, "  %.0f s: %d of %d phones done, %d failed%n",
                            (System.nanoTime() - begin) / 1e9, done.get(), n, failed.get());
                }
            } catch (InterruptedException e) {
                // finished
            }
        }, "progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The phones' local addresses: one per phone with --source-from, else one for all. */
    private InetAddress[] localAddresses(NetworkInterface nif) throws IOException {
        if (options.sourceFrom != null) {
            InetAddress[] a = new InetAddress[options.phones];
            a[0] = Options.usable(options.sourceFrom);
            for (int i = 1; i < a.length; i++) {
                a[i] = Options.nextUsable(a[i - 1]);
            }
            return a;
        }
        if (options.bind != null) {
            return new InetAddress[] {options.bind};
        }
        if (nif != null) {
            Enumeration<InetAddress> e = nif.getInetAddresses();
            boolean v6 = options.target.getAddress().getAddress().length == 16;
            while (e.hasMoreElements()) {
                InetAddress a = e.nextElement();
                if ((a.getAddress().length == 16) == v6) {
                    return new InetAddress[] {a};
                }
            }
            throw new IOException("interface " + nif.getName() + " has no address of the target's family");
        }
        return new InetAddress[] {routeTo(options.target)};
    }

    /** The local address the system would send from to reach the target. */
    static InetAddress routeTo(InetSocketAddress target) throws IOException {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(target);
            InetAddress a = probe.getLocalAddress();
            if (a == null || a.isAnyLocalAddress()) {
                throw new IOException("no route to " + target + ": give --bind or --interface");
            }
            return a;
        } catch (SocketException e) {
            throw new IOException("no route to " + target + " (" + e.getMessage() + "): give --bind or --interface", e);
        }
    }

    private NetworkInterface multicastInterface() throws IOException {
        if (options.iface == null) {
            return null;
        }
        NetworkInterface nif = NetworkInterface.getByName(options.iface);
        if (nif == null) {
            try {
                nif = NetworkInterface.getByInetAddress(InetAddress.getByName(options.iface));
            } catch (IOException e) {
                nif = null;
            }
        }
        if (nif == null) {
            throw new IOException("no interface " + options.iface);
        }
        return nif;
    }
}
