package pnp.simulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** The summary of a run (text for people, key=value for scripts) and the per-phone CSV. */
final class Report {

    /** Latency percentiles of one step over the phones that reached it, in nanoseconds. */
    record Latency(int count, long p50, long p90, long p99, long max) {

        static Latency of(PhoneResult[] results, ToLongFunction<PhoneResult> step) {
            long[] v = Arrays.stream(results).mapToLong(step).filter(x -> x >= 0).sorted().toArray();
            if (v.length == 0) {
                return new Latency(0, -1, -1, -1, -1);
            }
            return new Latency(v.length, percentile(v, 50), percentile(v, 90), percentile(v, 99), v[v.length - 1]);
        }
    }

    private final PhoneResult[] results;
    final int ok;
    final int failed;
    final long wallNanos;
    final int retransmissions;
    final int notifyRetransmissions;
    final int lateNotifies;
    final Map<String, Integer> reasons = new TreeMap<>();
    final Latency to200;
    final Latency toNotify;
    final Latency toDownload;
    /** Summed over the resident phones: resync NOTIFYs received, 401s, 200s, downloads, changed downloads. */
    final int residents;
    final int resyncs;
    final int resyncChallenged;
    final int resyncAccepted;
    final int resyncDownloads;
    final int resyncChanged;
    final int resyncDownloadFailures;

    /** @param lateNotifies NOTIFYs answered by phones that had finished (lingering) */
    Report(PhoneResult[] results, int lateNotifies) {
        this.results = results;
        this.lateNotifies = lateNotifies;
        int good = 0;
        int retr = 0;
        int notifyRetr = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (PhoneResult r : results) {
            if (r.ok()) {
                good++;
            } else {
                reasons.merge(r.category(), 1, Integer::sum);
            }
            retr += Math.max(0, r.subscribes() - 1);
            notifyRetr += Math.max(0, r.notifies() - 1);
            if (r.start() != 0) {
                first = Math.min(first, r.start());
                last = Math.max(last, r.end());
            }
        }
        int res = 0;
        int[] sums = new int[6];
        for (PhoneResult r : results) {
            Resident.Outcome o = r.resident();
            if (o.behaviour().isEmpty()) {
                continue;
            }
            res++;
            sums[0] += o.resyncs();
            sums[1] += o.challenged();
            sums[2] += o.accepted();
            sums[3] += o.downloads();
            sums[4] += o.changed();
            sums[5] += o.failure().isEmpty() ? 0 : 1;
        }
        residents = res;
        resyncs = sums[0];
        resyncChallenged = sums[1];
        resyncAccepted = sums[2];
        resyncDownloads = sums[3];
        resyncChanged = sums[4];
        resyncDownloadFailures = sums[5];
        ok = good;
        failed = results.length - good;
        retransmissions = retr;
        notifyRetransmissions = notifyRetr;
        wallNanos = first == Long.MAX_VALUE ? 0 : last - first;
        to200 = Latency.of(results, PhoneResult::to200);
        toNotify = Latency.of(results, PhoneResult::toNotify);
        toDownload = Latency.of(results, PhoneResult::toDownload);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double phonesPerSecond() {
        return wallNanos > 0 ? ok / (wallNanos / 1e9) : 0;
    }

    String text(String title) {
        StringBuilder b = new StringBuilder();
        b.append(title).append('\n');
        b.append(String.format(Locale.ROOT, "phones %d, succeeded %d, failed %d%n", results.length, ok, failed));
        reasons.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-28s %d%n", k, v)));
        b.append(String.format(Locale.ROOT,
                "wall time %.3f s (first SUBSCRIBE to last phone done), %.0f phones/s end to end%n",
                wallNanos / 1e9, phonesPerSecond()));
        b.append(String.format(Locale.ROOT,
                "retransmissions: %d SUBSCRIBE sent; NOTIFY received %d while running, %d after the phone finished%n",
                retransmissions, notifyRetransmissions, lateNotifies));
        if (residents > 0) {
            b.append(String.format(Locale.ROOT,
                    "resident phones %d: resync NOTIFYs %d, answered 401 %d, 200 %d; downloads after them %d (%d changed),"
                            + " %d phones whose last one failed%n",
                    residents, resyncs, resyncChallenged, resyncAccepted, resyncDownloads, resyncChanged,
                    resyncDownloadFailures));
        }
        b.append(String.format(Locale.ROOT, "%-26s %7s %9s %9s %9s %9s%n", "latency (ms)", "phones", "p50", "p90",
                "p99", "max"));
        line(b, "SUBSCRIBE -> 200", to200);
        line(b, "SUBSCRIBE -> NOTIFY", toNotify);
        line(b, "SUBSCRIBE -> downloaded", toDownload);
        return b.toString();
    }

    private static void line(StringBuilder b, String label, Latency l) {
        b.append(String.format(Locale.ROOT, "%-26s %7d %9s %9s %9s %9s%n", label, l.count(), ms(l.p50()), ms(l.p90()),
                ms(l.p99()), ms(l.max())));
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /** key=value lines: shell-friendly (values without spaces, failure reasons as fail_<reason>). */
    Map<String, String> keyValues() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("phones", Integer.toString(results.length));
        m.put("ok", Integer.toString(ok));
        m.put("failed", Integer.toString(failed));
        m.put("wall_s", String.format(Locale.ROOT, "%.3f", wallNanos / 1e9));
        m.put("phones_per_s", String.format(Locale.ROOT, "%.0f", phonesPerSecond()));
        m.put("retransmissions", Integer.toString(retransmissions));
        m.put("notify_retransmissions", Integer.toString(notifyRetransmissions + lateNotifies));
        if (residents > 0) {
            m.put("resident", Integer.toString(residents));
            m.put("resync_notifies", Integer.toString(resyncs));
            m.put("resync_401", Integer.toString(resyncChallenged));
            m.put("resync_200", Integer.toString(resyncAccepted));
            m.put("resync_downloads", Integer.toString(resyncDownloads));
            m.put("resync_changed", Integer.toString(resyncChanged));
            m.put("resync_download_failed", Integer.toString(resyncDownloadFailures));
        }
        put(m, "to200", to200);
        put(m, "notify", toNotify);
        put(m, "download", toDownload);
        reasons.forEach((k, v) -> m.put("fail_" + k.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"),
                Integer.toString(v)));
        return m;
    }

    private static void put(Map<String, String> m, String key, Latency l) {
        m.put(key + "_p50_ms", ms(l.p50()));
        m.put(key + "_p90_ms", ms(l.p90()));
        m.put(key + "_p99_ms", ms(l.p99()));
        m.put(key + "_max_ms", ms(l.max()));
    }

    void writeSummary(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        keyValues().forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }

    void writeCsv(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("phone,mac,local,outcome,reason,subscribes,to200_ms,notify_ms,download_ms,total_ms,"
                    + "url,notify_from,files,bytes,notifies,resync,resync_notifies,resync_401,resync_200,"
                    + "resync_downloads,resync_changed,resync_event,resync_failure\n");
            for (PhoneResult r : results) {
                w.write(String.join(",", Integer.toString(r.index() + 1), r.mac(), csv(r.local()),
                        r.ok() ? "ok" : csv(r.category()), csv(r.detail()), Integer.toString(r.subscribes()),
                        ms(r.to200()), ms(r.toNotify()), ms(r.toDownload()),
                        r.start() == 0 ? "-" : ms(r.end() - r.start()), csv(r.url()), csv(r.notifyFrom()),
                        Integer.toString(r.files()), Long.toString(r.bytes()), Integer.toString(r.notifies()),
                        r.resident().behaviour(), Integer.toString(r.resident().resyncs()),
                        Integer.toString(r.resident().challenged()), Integer.toString(r.resident().accepted()),
                        Integer.toString(r.resident().downloads()), Integer.toString(r.resident().changed()),
                        csv(r.resident().event()), csv(r.resident().failure())));
                w.write('\n');
            }
        }
    }

    static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"").replace('\r', ' ').replace('\n', ' ') + '"';
    }
}
