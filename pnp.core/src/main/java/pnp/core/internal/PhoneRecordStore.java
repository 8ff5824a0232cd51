package pnp.core.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;

/**
 * Keeps each phone in {@code data/phones/<mac>.properties}. Every write goes to a temporary file that
 * is then renamed over the old one, so a kill -9 leaves either the old or the new record, never half
 * of one. Files are not forced to disk one by one (an fsync per phone capped a boot storm at ~200
 * phones/s): the page cache survives the death of the process, and only a power loss can take the
 * last changes with it.
 */
final class PhoneRecordStore {

    private static final Logger LOG = LoggerFactory.getLogger(PhoneRecordStore.class);
    private final Path dir;

    PhoneRecordStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path directory() {
        return dir;
    }

    List<PhoneRecord> loadAll() {
        List<PhoneRecord> records = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path file : files) {
                load(file).ifPresent(records::add);
            }
        } catch (IOException e) {
            LOG.error("Cannot list the phone records in {}: {}", dir, e.toString());
        }
        return records;
    }

    private Optional<PhoneRecord> load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
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
            rec.revision = Long.parseLong(p.getProperty("revision", "0"));
            rec.inputsDigest = p.getProperty("inputsDigest", "");
            rec.downloads = Long.parseLong(p.getProperty("downloads", "0"));
            rec.notifiedAt = instant(p.getProperty("notifiedAt"));
            if (p.getProperty("s.contactHost") != null) {
                rec.sighting = new PhoneSighting(mac, p.getProperty("s.vendor"), p.getProperty("s.model"),
                        p.getProperty("s.firmware"), p.getProperty("s.userAgent"), p.getProperty("s.contactHost"),
                        Integer.parseInt(p.getProperty("s.contactPort", "5060")), p.getProperty("s.sourceAddress", ""),
                        Integer.parseInt(p.getProperty("s.sourcePort", "5060")), p.getProperty("s.interface"),
                        p.getProperty("s.localAddress"), Boolean.parseBoolean(p.getProperty("s.multicast")),
                        Optional.ofNullable(instant(p.getProperty("s.time"))).orElse(Instant.EPOCH));
            }
            if (p.getProperty("d.file") != null) {
                rec.lastDownload = new Phone.Download(p.getProperty("d.file"), p.getProperty("d.protocol", ""),
                        p.getProperty("d.address", ""), p.getProperty("d.userAgent"),
                        Optional.ofNullable(instant(p.getProperty("d.time"))).orElse(Instant.EPOCH));
            }
            return Optional.of(rec);
        } catch (IOException | RuntimeException e) {
            LOG.error("Skipping unreadable phone record {}: {} (move it away or fix it; the phone is re-learnt when heard)",
                    file, e.toString());
            return Optional.empty();
        }
    }

    void save(PhoneRecord rec) throws IOException {
        TreeMap<String, String> p = new TreeMap<>();
        p.put("mac", rec.mac.value());
        put(p, "firstSeen", rec.firstSeen);
        p.put("sightings", Long.toString(rec.sightings));
        p.put("profile", rec.profile);
        p.put("claimReason", rec.claimReason);
        p.put("state", rec.state.name());
        put(p, "stateSince", rec.stateSince);
        p.put("reason", rec.reason);
        p.put("token", rec.token);
        p.put("httpUser", rec.httpUser);
        p.put("httpPassword", rec.httpPassword);
        p.put("revision", Long.toString(rec.revision));
        p.put("inputsDigest", rec.inputsDigest);
        p.put("downloads", Long.toString(rec.downloads));
        put(p, "notifiedAt", rec.notifiedAt);
        PhoneSighting s = rec.sighting;
        if (s != null) {
            p.put("s.vendor", s.vendor());
            p.put("s.model", s.model());
            p.put("s.firmware", s.firmware());
            p.put("s.userAgent", s.userAgent());
            p.put("s.contactHost", s.contactHost());
            p.put("s.contactPort", Integer.toString(s.contactPort()));
            p.put("s.sourceAddress", s.sourceAddress());
            p.put("s.sourcePort", Integer.toString(s.sourcePort()));
            p.put("s.interface", s.interfaceName());
            p.put("s.localAddress", s.localAddress());
            p.put("s.multicast", Boolean.toString(s.multicast()));
            put(p, "s.time", s.time());
        }
        Phone.Download d = rec.lastDownload;
        if (d != null) {
            p.put("d.file", d.file());
            p.put("d.protocol", d.protocol());
            p.put("d.address", d.address());
            p.put("d.userAgent", d.userAgent());
            put(p, "d.time", d.time());
        }
        Properties props = new Properties();
        props.putAll(p);
        StringWriter text = new StringWriter();
        props.store(text, null);
        // Properties.store writes a date comment first: drop it so equal records give equal files.
        String body = text.toString().replaceFirst("^#[^\n]*\n", "");
        writeAtomically(dir.resolve(rec.mac.value() + ".properties"), body.getBytes(StandardCharsets.UTF_8));
    }

    void delete(MacAddress mac) throws IOException {
        Files.deleteIfExists(dir.resolve(mac.value() + ".properties"));
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(content);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void put(TreeMap<String, String> p, String key, Instant value) {
        if (value != null) {
            p.put(key, value.toString());
        }
    }

    private static Instant instant(String text) {
        return text == null || text.isEmpty() ? null : Instant.parse(text);
    }
}
