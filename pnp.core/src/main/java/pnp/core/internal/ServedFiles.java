package pnp.core.internal;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import pnp.api.MacAddress;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles.Credentials;
import pnp.api.ProvisioningFiles.Lookup;
import pnp.api.ProvisioningFiles.NotFound;

/**
 * Every file the inventory serves, and the rules of who gets which: the security boundary that the
 * HTTP and TFTP threads call through {@link #lookup}.
 *
 * <p>The rules, in the order they are applied:
 * <ol>
 * <li>With a token (HTTP's {@code /provisioning/<token>/<file>}): only the files of the phone holding
 * that token; with {@code httpOnlyToSubscriber}, only to the address its SUBSCRIBE came from.</li>
 * <li>Without a token (TFTP, or HTTP asking by name): a phone file goes to the phone whose SUBSCRIBE came
 * from the requester's address; to another address only when the protocol is not restricted to the
 * subscriber and exactly one phone has a file of that name.</li>
 * <li>A phone file protected by HTTP authentication is never served over TFTP (TFTP cannot ask for the
 * password).</li>
 * <li>Common files (firmware lists, vendor-wide files) go to anyone who asks by name.</li>
 * <li>A phone that is not published (unassigned, unclaimed, its vendor gone, failed) has no files.</li>
 * <li>One-shot bootstrap ({@link Bootstrap}): while a phone's bootstrap is open, its token serves its files
 * without authentication (only to the bootstrap's address when it has one); once it is over, a phone with
 * HTTP credentials is served only to requests that authenticate, and never over TFTP; a phone without
 * credentials only to the address it is bound to. Phones not (yet) notified by this version are served as
 * by rules 1 to 3.</li>
 * </ol>
 *
 * <p>Threading: {@link #publish} and {@link #unpublish} on the inventory's worker thread only;
 * {@link #lookup} from any thread (it reads concurrent maps holding immutable {@link Served} values).
 */
final class ServedFiles {

    /**
     * Whether phone files go only to the address the phone's SUBSCRIBE came from.
     *
     * @param tftpOnlyToSubscriber for TFTP (which has no token)
     * @param httpOnlyToSubscriber for HTTP, on top of the token
     */
    record AccessRules(boolean tftpOnlyToSubscriber, boolean httpOnlyToSubscriber) {
    }

    private volatile AccessRules rules = new AccessRules(true, false);
    private final Map<MacAddress, Served> byMac = new ConcurrentHashMap<>();
    private final Map<String, Served> byToken = new ConcurrentHashMap<>();
    /** Which phones have a file of a name (lower case), aliases included. */
    private final Map<String, Set<MacAddress>> phoneFileNames = new ConcurrentHashMap<>();
    private final Map<String, Served.Kept> commonFiles = new ConcurrentHashMap<>();

    void rules(AccessRules rules) {
        this.rules = rules;
    }

    /**
     * Serves the phone's rendered files from now on, in place of what it was served before. A file whose
     * bytes did not change keeps its modification time (so that {@code If-Modified-Since} still matches).
     *
     * @param credentials what a phone file's download must authenticate with, or null
     */
    void publish(MacAddress mac, String token, String subscriber, List<ProvisioningFile> rendered,
            Credentials credentials) {
        publish(mac, token, subscriber, rendered, credentials, Bootstrap.Access.UNRESTRICTED);
    }

    /** As {@link #publish(MacAddress, String, String, List, Credentials)}, under the phone's bootstrap. */
    void publish(MacAddress mac, String token, String subscriber, List<ProvisioningFile> rendered,
            Credentials credentials, Bootstrap.Access access) {
        publish(mac, token, subscriber, rendered, digests(rendered), credentials, access);
    }

    /** As above, with each file's {@link Inventory#digest} known (in the order of {@code rendered}). */
    void publish(MacAddress mac, String token, String subscriber, List<ProvisioningFile> rendered,
            List<String> digests, Credentials credentials, Bootstrap.Access access) {
        Served old = byMac.get(mac);
        Instant now = Instant.now();
        List<Served.Kept> files = new ArrayList<>(rendered.size());
        for (int i = 0; i < rendered.size(); i++) {
            ProvisioningFile f = rendered.get(i);
            String etag = etag(digests.get(i));
            Instant modified = now;
            if (old != null) {
                for (Served.Kept o : old.files()) {
                    if (o.shell().name().equals(f.name()) && o.etag().equals(etag)) {
                        modified = o.modified();
                    }
                }
            }
            boolean phoneFile = f.scope() == ProvisioningFile.Scope.PHONE;
            files.add(Served.Kept.of(phoneFile ? mac : null, f, etag, modified, phoneFile ? credentials : null));
        }
        Served served = new Served(mac, token, List.copyOf(files), subscriber, access);
        unpublish(mac);
        byMac.put(mac, served);
        byToken.put(token, served);
        for (Served.Kept f : files) {
            if (f.shell().scope() == ProvisioningFile.Scope.COMMON) {
                commonFiles.put(f.shell().name().toLowerCase(Locale.ROOT), f);
                continue;
            }
            for (String name : names(f.shell())) {
                phoneFileNames.compute(name, (k, owners) -> withOwner(owners, mac));
            }
        }
    }

    /** Stops serving the phone's own files (common files stay: other phones of the vendor use them). */
    void unpublish(MacAddress mac) {
        Served old = byMac.remove(mac);
        if (old == null) {
            return;
        }
        byToken.remove(old.token());
        for (Served.Kept f : old.files()) {
            if (f.shell().scope() == ProvisioningFile.Scope.PHONE) {
                for (String name : names(f.shell())) {
                    phoneFileNames.computeIfPresent(name, (k, owners) -> withoutOwner(owners, mac));
                }
            }
        }
    }

    /** The phone's bootstrap changed (opened, closed): its files are served under the new one from now on. */
    void access(MacAddress mac, Bootstrap.Access access) {
        Served old = byMac.get(mac);
        if (old == null || old.access().equals(access)) {
            return;
        }
        Served now = old.with(access);
        byMac.put(mac, now);
        byToken.put(now.token(), now);
    }

    boolean isPublished(MacAddress mac) {
        return byMac.containsKey(mac);
    }

    /** See the rules in the class comment. */
    Lookup lookup(String token, String name, InetAddress requester, String protocol) {
        String key = name.toLowerCase(Locale.ROOT);
        String from = requester.getHostAddress();
        AccessRules r = rules;
        if (token != null) {
            Served served = byToken.get(token);
            if (served == null) {
                return new NotFound("no phone has this token");
            }
            if (r.httpOnlyToSubscriber() && !from.equals(served.subscriber())) {
                return new NotFound("phone " + served.mac() + " is only served to " + served.subscriber());
            }
            for (Served.Kept f : served.files()) {
                if (f.answersTo(key)) {
                    return byToken(served, f, from);
                }
            }
            return new NotFound("phone " + served.mac() + " has no file " + name);
        }
        Set<MacAddress> owners = phoneFileNames.get(key);
        if (owners != null && !owners.isEmpty()) {
            Served match = null;
            for (MacAddress mac : owners) {
                Served s = byMac.get(mac);
                if (s != null && from.equals(s.subscriber())) {
                    match = s;
                    break;
                }
            }
            boolean restricted = "tftp".equals(protocol) ? r.tftpOnlyToSubscriber() : r.httpOnlyToSubscriber();
            if (match == null && !restricted && owners.size() == 1) {
                match = byMac.get(owners.iterator().next());
            }
            if (match != null) {
                for (Served.Kept f : match.files()) {
                    if (f.answersTo(key)) {
                        Lookup bootstrap = byNameInBootstrap(match, f, from, protocol);
                        if (bootstrap != null) {
                            return bootstrap;
                        }
                        if (f.credentials() != null && "tftp".equals(protocol)) {
                            // TFTP cannot ask for a password: the file would go to anyone at that address
                            return new NotFound("phone " + match.mac() + "'s files need HTTP authentication ("
                                    + f.credentials().scheme() + "; pnp.core httpAuthentication): not served over TFTP");
                        }
                        return f.found();
                    }
                }
            }
            if (commonFiles.get(key) == null) {
                return new NotFound(name + " belongs to a phone at another address than " + from);
            }
        }
        Served.Kept common = commonFiles.get(key);
        return common != null ? common.found() : new NotFound("no phone or vendor has a file " + name);
    }

    /** Rule 6 for a request with the phone's token. */
    private static Lookup byToken(Served served, Served.Kept f, String from) {
        Bootstrap.Access a = served.access();
        if (a.phase() == Bootstrap.Phase.NONE || a.phase() == Bootstrap.Phase.LEGACY
                || f.shell().scope() == ProvisioningFile.Scope.COMMON) {
            return f.found();
        }
        if (a.open(Instant.now())) {
            if (!a.from().isEmpty() && !from.equals(a.from())) {
                return new NotFound("phone " + served.mac() + "'s bootstrap is open only to " + a.from());
            }
            return f.found(null);
        }
        if (f.credentials() != null) {
            return f.found(); // must authenticate
        }
        if (!from.equals(a.bound())) {
            return new NotFound("phone " + served.mac() + "'s bootstrap is over and it has no HTTP credentials: served only "
                    + "to its bound address " + a.bound());
        }
        return f.found();
    }

    /**
     * Rule 6 for a request by name (TFTP) of a phone file: null when the phone has no bootstrap of this
     * version (rules 2 and 3 apply as they are).
     */
    private static Lookup byNameInBootstrap(Served match, Served.Kept f, String from, String protocol) {
        Bootstrap.Access a = match.access();
        if (a.phase() == Bootstrap.Phase.NONE || a.phase() == Bootstrap.Phase.LEGACY || f.credentials() == null
                || !"tftp".equals(protocol)) {
            return null;
        }
        if (!a.open(Instant.now())) {
            return new NotFound("phone " + match.mac() + " has HTTP credentials and its bootstrap is over: its files "
                    + "go over HTTP with authentication only, not over TFTP");
        }
        if (!from.equals(match.subscriber()) || (!a.from().isEmpty() && !from.equals(a.from()))) {
            return new NotFound("phone " + match.mac() + "'s bootstrap over TFTP is open only to "
                    + (a.from().isEmpty() ? match.subscriber() : a.from()));
        }
        return f.found(null);
    }

    /**
     * Most file names belong to one phone: those get an immutable one-element set (a concurrent set
     * each cost ~250 bytes, three names per phone); a name shared by a second phone gets a concurrent set.
     */
    static Set<MacAddress> withOwner(Set<MacAddress> owners, MacAddress mac) {
        if (owners == null) {
            return Set.of(mac);
        }
        if (owners.contains(mac)) {
            return owners;
        }
        if (owners instanceof ConcurrentHashMap.KeySetView<?, ?>) {
            owners.add(mac);
            return owners;
        }
        Set<MacAddress> shared = ConcurrentHashMap.newKeySet();
        shared.addAll(owners);
        shared.add(mac);
        return shared;
    }

    static Set<MacAddress> withoutOwner(Set<MacAddress> owners, MacAddress mac) {
        if (owners instanceof ConcurrentHashMap.KeySetView<?, ?>) {
            owners.remove(mac);
            return owners.isEmpty() ? null : owners;
        }
        return owners.contains(mac) ? null : owners;
    }

    private static Set<String> names(ProvisioningFile f) {
        Set<String> names = new LinkedHashSet<>(f.aliases());
        names.add(f.name().toLowerCase(Locale.ROOT));
        return names;
    }

    /**
     * The file's entity tag: its length, CRC-32 and Adler-32 (both computed natively; a content hash
     * like SHA-256 cost the inventory a fifth of its time in a boot storm). It only has to change when
     * the bytes do; two different versions of one phone's file sharing all three is not a practical risk.
     */
    static String etag(ProvisioningFile f) {
        return etag(Inventory.digest(f.contentBuffer()));
    }

    /** Each file's {@link Inventory#digest}, in the files' order (read without copying the bytes). */
    static List<String> digests(List<ProvisioningFile> files) {
        return files.stream().map(f -> Inventory.digest(f.contentBuffer())).toList();
    }

    /** The entity tag of a file whose {@link Inventory#digest} is known. */
    static String etag(String digest) {
        return "\"" + digest + "\"";
    }

    /** The {@link Inventory#digest} of the bytes a file of this entity tag has (its quotes removed). */
    static String digestOf(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1)
                : etag;
    }
}
