package pnp.console.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.Reask;
import pnp.api.ResyncProgress;
import pnp.api.ServerStatus;

/**
 * The document behind the Phones page ({@code phones.json}): one flat row per phone, ready to put into
 * table cells as text, and the servers' endpoints with their problems.
 *
 * <p>A row joins what the inventory knows ({@link Phone}: last SUBSCRIBE, claim, state, last download)
 * with the phone's assignment as configured ({@link Assignments.Current}, never its password). Every
 * string may come off the network; {@link Json} escapes it, and the page only ever sets it as
 * {@code textContent}.
 */
final class PhonesJson {

    /** Shown instead of a profile when no vendor bundle claims the phone. */
    static final String NO_PROFILE = "no vendor bundle claims this phone";

    private PhonesJson() {
    }

    static String write(List<Phone> phones, Map<MacAddress, Assignments.Current> assignments,
            List<ServerStatus.Endpoint> endpoints, Instant now) {
        return Json.write(document(phones, assignments, endpoints, now, mac -> Optional.empty()));
    }

    /** @param reasks a phone's pending request to be provisioned again, if any */
    static String write(List<Phone> phones, Map<MacAddress, Assignments.Current> assignments,
            List<ServerStatus.Endpoint> endpoints, Instant now, Function<MacAddress, Optional<Reask>> reasks) {
        return Json.write(document(phones, assignments, endpoints, now, reasks));
    }

    /** The document with the resync queue's progress added. */
    static String write(List<Phone> phones, Map<MacAddress, Assignments.Current> assignments,
            List<ServerStatus.Endpoint> endpoints, ResyncProgress progress, Instant now) {
        return write(phones, assignments, endpoints, progress, now, mac -> Optional.empty());
    }

    /**
     * The whole document: phones, endpoints, and the resync queue's progress.
     *
     * @param reasks a phone's pending request to be provisioned again, if any
     */
    static String write(List<Phone> phones, Map<MacAddress, Assignments.Current> assignments,
            List<ServerStatus.Endpoint> endpoints, ResyncProgress progress, Instant now,
            Function<MacAddress, Optional<Reask>> reasks) {
        Map<String, Object> doc = document(phones, assignments, endpoints, now, reasks);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queued", progress.queued());
        m.put("waiting", progress.waiting());
        m.put("sent", progress.sent());
        m.put("resynced", progress.resynced());
        m.put("failed", progress.failed());
        m.put("perSecond", progress.perSecond());
        doc.put("resync", m);
        return Json.write(doc);
    }

    private static Map<String, Object> document(List<Phone> phones, Map<MacAddress, Assignments.Current> assignments,
            List<ServerStatus.Endpoint> endpoints, Instant now, Function<MacAddress, Optional<Reask>> reasks) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("time", now.toString());
        List<Object> rows = new ArrayList<>(phones.size());
        for (Phone p : phones) {
            Map<String, Object> row = row(p, assignments.get(p.mac()));
            row.put("reask", reasks.apply(p.mac()).map(PhonesJson::reask).orElse(null));
            rows.add(row);
        }
        doc.put("phones", rows);
        List<Object> eps = new ArrayList<>(endpoints.size());
        for (ServerStatus.Endpoint e : endpoints) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocol", e.protocol());
            m.put("address", e.address());
            m.put("port", e.port());
            m.put("listening", e.listening());
            m.put("problem", e.problem());
            eps.add(m);
        }
        doc.put("endpoints", eps);
        return doc;
    }

    /**
     * A pending request to be provisioned again: {@code summary} is "asks to be provisioned again from X
     * (was Y)"; the Approve and Ignore buttons act on it.
     */
    static Map<String, Object> reask(Reask r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", r.summary());
        m.put("address", r.address());
        m.put("model", r.model());
        m.put("contactHost", r.contactHost());
        m.put("was", r.boundAddress());
        m.put("wasModel", r.boundModel());
        m.put("why", r.why());
        m.put("time", r.time().toString());
        return m;
    }

    /** The phone's last resync, or null when it never had one. */
    static Map<String, Object> resync(Phone p) {
        Phone.Resync r = p.resync();
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requested", r.requested().toString());
        m.put("sent", r.sent() == null ? "" : r.sent().toString());
        m.put("sender", r.sender());
        m.put("outcome", r.outcome());
        m.put("downloaded", r.downloaded() == null ? "" : r.downloaded().toString());
        m.put("bytesChanged", r.bytesChanged());
        m.put("reason", r.reason());
        return m;
    }

    static Map<String, Object> row(Phone p, Assignments.Current a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mac", p.mac().colonSeparated());
        PhoneSighting s = p.lastSighting();
        m.put("heard", s != null);
        m.put("vendor", s == null ? "" : s.vendor());
        m.put("model", s == null ? "" : s.model());
        m.put("firmware", s == null ? "" : s.firmware());
        m.put("userAgent", s == null ? "" : s.userAgent());
        m.put("address", s == null ? "" : s.sourceAddress());
        m.put("interface", s == null ? "" : s.interfaceName());
        m.put("lastSeen", s == null ? "" : s.time().toString());
        m.put("sightings", p.sightings());
        m.put("profile", p.profile().isEmpty() ? NO_PROFILE : p.profile());
        m.put("claimed", !p.profile().isEmpty());
        m.put("claimReason", p.claimReason());
        m.put("state", p.state().name());
        m.put("stateSince", p.stateSince().toString());
        m.put("reason", p.reason());
        Phone.Download d = p.lastDownload();
        m.put("lastDownload", d == null ? "" : d.file() + " over " + d.protocol() + " by " + d.address());
        m.put("lastDownloadTime", d == null ? "" : d.time().toString());
        m.put("assigned", a != null || p.assigned());
        m.put("extension", a != null ? a.extension() : p.extension());
        Map<String, Object> assignment = null;
        if (a != null) {
            assignment = new LinkedHashMap<>();
            assignment.put("pid", a.pid());
            assignment.put("extension", a.extension());
            assignment.put("displayName", a.displayName());
            assignment.put("sipUserId", a.sipUserId());
            assignment.put("authId", a.authId());
            assignment.put("codecs", String.join(",", a.codecs()));
            assignment.put("lineKeys", List.copyOf(a.lineKeys()));
            assignment.put("file", a.file());
        }
        m.put("assignment", assignment);
        m.put("resync", resync(p));
        return m;
    }
}
