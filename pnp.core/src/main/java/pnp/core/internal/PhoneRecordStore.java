package pnp.core.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.SipCredentials;

/**
 * Keeps the phone inventory in one append-only journal, {@code data/phones/phones.journal}: each
 * change of a phone appends one line with the whole record ({@code key=value} pairs, tab-separated,
 * escaped as in a {@code .properties} file); the last line of a phone wins; a forgotten phone gets a
 * tombstone line. A batch of changes is one append, so a boot storm costs one write a second instead
 * of a file per phone. A kill -9 can cut only the last line short; a line without its line break is
 * ignored when the journal is read. When dead lines outnumber live phones, the journal is rewritten
 * (temporary file, then rename) with one line per phone.
 *
 * <p>The journal is not forced to disk line by line: the page cache survives the death of the process,
 * and only a power loss can take the last second of changes with it. Records of older versions (one
 * {@code <mac>.properties} file per phone) are read once and folded into the journal.
 *
 * <p>Threading: {@link #loadAll()} before anything else; then one thread at a time.
 */
final class PhoneRecordStore {

    private static final Logger LOG = LoggerFactory.getLogger(PhoneRecordStore.class);
    static final String JOURNAL = "phones.journal";
    private static final String DELETED = "deleted=true";

    private final Path dir;
    private final Path journal;
    private final Set<MacAddress> live = new HashSet<>();
    private long lines;
    private FileChannel out;
    /** Where the journal ends before a write that failed and could not be undone at once; -1: none. */
    private long cutAt = -1;

    PhoneRecordStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.journal = dir.resolve(JOURNAL);
    }

    Path directory() {
        return dir;
    }

    /** Every phone in the journal (and in older per-phone files), last state of each. */
    List<PhoneRecord> loadAll() {
        Map<MacAddress, PhoneRecord> records = new LinkedHashMap<>();
        List<Path> legacy = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path file : files) {
                legacy.add(file);
                parse(Files.newBufferedReader(file, StandardCharsets.UTF_8), file)
                        .ifPresent(r -> records.put(r.mac, r));
            }
        } catch (IOException e) {
            LOG.error("Cannot list the phone records in {}: {}", dir, e.toString());
        }
        lines = 0;
        if (Files.exists(journal)) {
            try {
                byte[] all = Files.readAllBytes(journal);
                int end = lastLineBreak(all);
                if (end < all.length - 1) {
                    LOG.warn("{}: ignoring an unfinished last line ({} bytes; the server stopped while writing it)",
                            journal, all.length - 1 - end);
                    truncate(end + 1);
                }
                String text = new String(all, 0, end + 1, StandardCharsets.UTF_8);
                int lineNo = 0;
                for (String line : text.split("\n")) {
                    lineNo++;
                    if (line.isEmpty()) {
                        continue;
                    }
                    lines++;
                    readLine(line, journal + ":" + lineNo, records);
                }
            } catch (IOException e) {
                LOG.error("Cannot read the phone journal {}: {}", journal, e.toString());
            }
        }
        live.clear();
        live.addAll(records.keySet());
        if (!legacy.isEmpty()) {
            try {
                compact(records.values());
                for (Path file : legacy) {
                    Files.deleteIfExists(file);
                }
                LOG.info("Moved {} phone record files into {}", legacy.size(), journal);
            } catch (IOException e) {
                LOG.error("Cannot move the phone record files into {}: {} (they stay where they are)", journal,
                        e.toString());
            }
        }
        return new ArrayList<>(records.values());
    }

    private static void readLine(String line, String where, Map<MacAddress, PhoneRecord> records) {
        String text = line.replace('\t', '\n');
        if (text.contains("\n" + DELETED)) {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text));
                records.remove(new MacAddress(p.getProperty("mac")));
            } catch (IOException | RuntimeException e) {
                LOG.error("Skipping unreadable line {}: {}", where, LogText.of(e));
            }
            return;
        }
        parse(new StringReader(text), where).ifPresent(r -> records.put(r.mac, r));
    }

    private static int lastLineBreak(byte[] all) {
        for (int i = all.length - 1; i >= 0; i--) {
            if (all[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void truncate(long size) throws IOException {
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    void save(PhoneRecord rec) throws IOException {
        write(Map.of(rec.mac, format(rec)));
    }

    /** Appends records formatted earlier by {@link #format}, in one write. */
    void write(Map<MacAddress, byte[]> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        int size = 0;
        for (byte[] b : batch.values()) {
            size += b.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        batch.values().forEach(buf::put);
        append(buf.flip(), batch.size());
        live.addAll(batch.keySet());
        compactIfMostlyDead();
    }

    void delete(MacAddress mac) throws IOException {
        String line = "mac=" + mac.value() + "\t" + DELETED + "\n";
        append(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 1);
        live.remove(mac);
    }

    private void append(ByteBuffer buf, int count) throws IOException {
        if (out == null) {
            out = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        if (cutAt >= 0) {
            out.truncate(cutAt);
            cutAt = -1;
        }
        long start = out.size();
        try {
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        } catch (IOException e) {
            // A write cut short (disk full) must not leave half a line: the batch is appended again later,
            // and its first line would run into the cut one (two phones' records read as one).
            try {
                out.truncate(start);
            } catch (IOException again) {
                cutAt = start; // before the next append
                e.addSuppressed(again);
            }
            throw e;
        }
        lines += count;
    }

    /**
     * Rewrites the journal with the last line of each live phone once it has more than three lines per
     * phone (plus a thousand): a phone writes about four lines in its first boot, so a boot storm compacts
     * every few thousand phones rather than every few hundred. Works on the bytes: every line starts with
     * {@code mac=<MAC>\t} (see {@link #format}), so a line is kept as it is, neither decoded nor parsed.
     */
    private void compactIfMostlyDead() throws IOException {
        if (lines <= 3L * live.size() + 1000) {
            return;
        }
        byte[] all = Files.readAllBytes(journal);
        int end = lastLineBreak(all) + 1;
        byte[] deleted = ("\t" + DELETED).getBytes(StandardCharsets.US_ASCII);
        Map<String, int[]> last = new LinkedHashMap<>(); // MAC -> {start, end} of its last line, in order of it
        int lineNo = 0;
        for (int from = 0; from < end;) {
            int to = from;
            while (all[to] != '\n') {
                to++;
            }
            lineNo++;
            int tab = indexOf(all, (byte) '\t', from, to);
            if (to - from < 5 || all[from] != 'm' || all[from + 1] != 'a' || all[from + 2] != 'c'
                    || all[from + 3] != '=' || tab < 0) {
                if (to > from) {
                    LOG.error("Dropping unreadable line {}:{} while compacting (it names no phone)", journal, lineNo);
                }
            } else {
                String mac = new String(all, from + 4, tab - from - 4, StandardCharsets.ISO_8859_1);
                last.remove(mac);
                boolean deletion = to - tab == deleted.length
                        && java.util.Arrays.equals(all, tab, to, deleted, 0, deleted.length);
                if (!deletion) {
                    last.put(mac, new int[] { from, to + 1 });
                }
            }
            from = to + 1;
        }
        int size = 0;
        for (int[] line : last.values()) {
            size += line[1] - line[0];
        }
        byte[] compacted = new byte[size];
        int at = 0;
        for (int[] line : last.values()) {
            System.arraycopy(all, line[0], compacted, at, line[1] - line[0]);
            at += line[1] - line[0];
        }
        close();
        writeAtomically(journal, compacted);
        lines = last.size();
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Rewrites the journal with one line per phone: temporary file, then rename. */
    private void compact(java.util.Collection<PhoneRecord> records) throws IOException {
        StringBuilder text = new StringBuilder(records.size() * 512);
        for (PhoneRecord r : records) {
            text.append(new String(format(r), StandardCharsets.UTF_8));
        }
        close();
        writeAtomically(journal, text.toString().getBytes(StandardCharsets.UTF_8));
        lines = records.size();
        live.clear();
        records.forEach(r -> live.add(r.mac));
    }

    void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("Closing {}: {}", journal, e.toString());
            }
            out = null;
        }
    }

    /**
     * The record as one journal line: {@code key=value} pairs separated by tabs (values escaped as in a
     * {@code .properties} file, so no tab or line break is left in them), ending with a line break.
     * Cheap enough to run on the inventory thread, so that the write itself can happen elsewhere.
     */
    static byte[] format(PhoneRecord rec) {
        StringBuilder p = new StringBuilder(1024);
        put(p, "mac", rec.mac.value());
        put(p, "firstSeen", rec.firstSeen);
        put(p, "sightings", Long.toString(rec.sightings));
        put(p, "profile", rec.profile);
        put(p, "claimReason", rec.claimReason);
        put(p, "state", rec.state.name());
        put(p, "stateSince", rec.stateSince);
        put(p, "reason", rec.reason);
        put(p, "token", rec.token);
        put(p, "httpUser", rec.httpUser);
        put(p, "httpPassword", rec.httpPassword);
        if (rec.phoneCredentials != null) {
            put(p, "sipAuthId", rec.phoneCredentials.authId());
            put(p, "sipPassword", rec.phoneCredentials.password());
        }
        put(p, "revision", Long.toString(rec.revision));
        put(p, "inputsDigest", rec.inputsDigest);
        put(p, "downloads", Long.toString(rec.downloads));
        put(p, "notifiedAt", rec.notifiedAt);
        PhoneSighting s = rec.sighting;
        if (s != null) {
            // A sighting does not change (a new SUBSCRIBE is a new one): its part of the line is made once.
            if (rec.formattedSighting != s) {
                StringBuilder part = new StringBuilder(256);
                putSighting(part, "s.", s);
                rec.formattedSightingText = part.toString();
                rec.formattedSighting = s;
            }
            p.append(rec.formattedSightingText);
        }
        put(p, "filesDigest", rec.filesDigest);
        if (!rec.downloadedDigests.isEmpty()) {
            StringBuilder digests = new StringBuilder();
            rec.downloadedDigests.forEach((file, digest) -> digests.append(digest).append(' ').append(file).append('\n'));
            put(p, "downloadedDigests", digests.toString());
        }
        if (rec.resyncRequested != null) {
            put(p, "r.requested", rec.resyncRequested);
            put(p, "r.sent", rec.resyncSent);
            put(p, "r.sender", rec.resyncSender);
            put(p, "r.outcome", rec.resyncOutcome);
            put(p, "r.downloaded", rec.resyncDownloaded);
            put(p, "r.bytesChanged", Boolean.toString(rec.resyncBytesChanged));
            put(p, "r.reason", rec.resyncReason);
            put(p, "r.deadline", rec.resyncDeadline);
        }
        put(p, "bootstrap", rec.bootstrap.name());
        put(p, "bootstrapFirstDownload", rec.bootstrapFirstDownload);
        put(p, "bootstrapDownloads", Integer.toString(rec.bootstrapDownloads));
        put(p, "bootstrapFrom", rec.bootstrapFrom);
        PhoneSighting r = rec.reask;
        if (r != null) {
            putSighting(p, "ask.", r);
            put(p, "ask.why", rec.reaskWhy);
        }
        Phone.Download d = rec.lastDownload;
        if (d != null) {
            put(p, "d.file", d.file());
            put(p, "d.protocol", d.protocol());
            put(p, "d.address", d.address());
            put(p, "d.userAgent", d.userAgent());
            put(p, "d.time", d.time());
        }
        p.setCharAt(p.length() - 1, '\n');
        return p.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One record from its text; {@code where} names it in the log when it cannot be read. */
    private static Optional<PhoneRecord> parse(Reader text, Object where) {
        Properties p = new Properties();
        try (Reader r = text) {
            p.load(r);
            MacAddress mac = new MacAddress(p.getProperty("mac"));
            PhoneRecord rec = new PhoneRecord(mac);
            rec.firstSeen = instant(p.getProperty("firstSeen"));
            rec.sightings = Long.parseLong(p.getProperty("sightings", "0"));
            rec.profile = p.getProperty("profile", "");
            rec.claimReason = p.getProperty("claimReason", "");
            rec.state = PhoneState.valueOf(p.getProperty("state", PhoneState.EXPECTED.name()));
            rec.stateSince = Optional.ofNullable(instant(p.getProperty("stateSince"))).orElse(Instant.EPOCH);
            rec.reason = p.getProperty("reason", "");
            rec.token = p.getProperty("token", "");
            rec.httpUser = p.getProperty("httpUser", "");
            rec.httpPassword = p.getProperty("httpPassword", "");
            String sipAuthId = p.getProperty("sipAuthId", "");
            String sipPassword = p.getProperty("sipPassword", "");
            if (!sipAuthId.isEmpty() && !sipPassword.isEmpty()) {
                rec.phoneCredentials = new SipCredentials(sipAuthId, sipPassword);
            }
            rec.revision = Long.parseLong(p.getProperty("revision", "0"));
            rec.inputsDigest = p.getProperty("inputsDigest", "");
            rec.downloads = Long.parseLong(p.getProperty("downloads", "0"));
            rec.notifiedAt = instant(p.getProperty("notifiedAt"));
            rec.filesDigest = p.getProperty("filesDigest", "");
            Map<String, String> downloaded = new HashMap<>();
            for (String line : p.getProperty("downloadedDigests", "").split("\n")) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    downloaded.put(line.substring(space + 1), line.substring(0, space));
                }
            }
            rec.downloadedDigests = Map.copyOf(downloaded);
            rec.resyncRequested = instant(p.getProperty("r.requested"));
            if (rec.resyncRequested != null) {
                rec.resyncSent = instant(p.getProperty("r.sent"));
                rec.resyncSender = p.getProperty("r.sender", "");
                rec.resyncOutcome = p.getProperty("r.outcome", "");
                rec.resyncDownloaded = instant(p.getProperty("r.downloaded"));
                rec.resyncBytesChanged = Boolean.parseBoolean(p.getProperty("r.bytesChanged"));
                rec.resyncReason = p.getProperty("r.reason", "");
                rec.resyncDeadline = instant(p.getProperty("r.deadline"));
            }
            rec.sighting = sighting(p, mac, "s.");
            rec.reask = sighting(p, mac, "ask.");
            rec.reaskWhy = p.getProperty("ask.why", "");
            String bootstrap = p.getProperty("bootstrap");
            if (bootstrap == null) {
                // Written by a version before bootstraps: a phone it served keeps its token URL until its next provisioning.
                rec.bootstrap = rec.token.isEmpty() || rec.notifiedAt == null ? Bootstrap.Phase.NONE : Bootstrap.Phase.LEGACY;
            } else {
                rec.bootstrap = Bootstrap.Phase.valueOf(bootstrap);
            }
            rec.bootstrapFirstDownload = instant(p.getProperty("bootstrapFirstDownload"));
            rec.bootstrapDownloads = Integer.parseInt(p.getProperty("bootstrapDownloads", "0"));
            rec.bootstrapFrom = p.getProperty("bootstrapFrom", "");
            if (p.getProperty("d.file") != null) {
                rec.lastDownload = new Phone.Download(p.getProperty("d.file"), p.getProperty("d.protocol", ""),
                        p.getProperty("d.address", ""), p.getProperty("d.userAgent"),
                        Optional.ofNullable(instant(p.getProperty("d.time"))).orElse(Instant.EPOCH));
            }
            return Optional.of(rec);
        } catch (IOException | RuntimeException e) {
            LOG.error("Skipping unreadable phone record {}: {} (move it away or fix it; the phone is re-learnt when heard)",
                    where, LogText.of(e));
            return Optional.empty();
        }
    }

    private static PhoneSighting sighting(Properties p, MacAddress mac, String prefix) {
        if (p.getProperty(prefix + "contactHost") == null) {
            return null;
        }
        return new PhoneSighting(mac, p.getProperty(prefix + "vendor"), p.getProperty(prefix + "model"),
                p.getProperty(prefix + "firmware"), p.getProperty(prefix + "userAgent"),
                p.getProperty(prefix + "contactHost"), Integer.parseInt(p.getProperty(prefix + "contactPort", "5060")),
                p.getProperty(prefix + "sourceAddress", ""), Integer.parseInt(p.getProperty(prefix + "sourcePort", "5060")),
                p.getProperty(prefix + "interface"), p.getProperty(prefix + "localAddress"),
                Boolean.parseBoolean(p.getProperty(prefix + "multicast")),
                Optional.ofNullable(instant(p.getProperty(prefix + "time"))).orElse(Instant.EPOCH));
    }

    /**
     * Replaces the file with new content: a temporary file, forced to disk, renamed over it, and the
     * rename forced too, so that not even a power loss can leave an empty or half-written journal behind.
     */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot force the directory of {} to disk: {}", target, e.toString()); // not every OS can
        }
    }

    private static void put(StringBuilder p, String key, Instant value) {
        if (value != null) {
            put(p, key, value.toString());
        }
    }

    /** A sighting's keys under a prefix: {@code s.} for the phone's own, {@code ask.} for a re-ask's. */
    private static void putSighting(StringBuilder p, String prefix, PhoneSighting s) {
        put(p, prefix + "vendor", s.vendor());
        put(p, prefix + "model", s.model());
        put(p, prefix + "firmware", s.firmware());
        put(p, prefix + "userAgent", s.userAgent());
        put(p, prefix + "contactHost", s.contactHost());
        put(p, prefix + "contactPort", Integer.toString(s.contactPort()));
        put(p, prefix + "sourceAddress", s.sourceAddress());
        put(p, prefix + "sourcePort", Integer.toString(s.sourcePort()));
        put(p, prefix + "interface", s.interfaceName());
        put(p, prefix + "localAddress", s.localAddress());
        put(p, prefix + "multicast", Boolean.toString(s.multicast()));
        put(p, prefix + "time", s.time());
    }

    /** One {@code key=value} line; the value escaped as {@link Properties#load} reads it back. */
    private static void put(StringBuilder p, String key, String value) {
        if (value == null) {
            return;
        }
        p.append(key).append('=');
        if (!needsEscaping(value)) {
            p.append(value).append('\t'); // the common case, appended at once
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> p.append("\\\\");
                case '\n' -> p.append("\\n");
                case '\r' -> p.append("\\r");
                case '\t' -> p.append("\\t");
                case '\f' -> p.append("\\f");
                case ' ' -> p.append(i == 0 ? "\\ " : " ");
                default -> p.append(c);
            }
        }
        p.append('\t');
    }

    private static boolean needsEscaping(String value) {
        if (value.startsWith(" ")) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\f') {
                return true;
            }
        }
        return false;
    }

    private static Instant instant(String text) {
        return text == null || text.isEmpty() ? null : Instant.parse(text);
    }
}
