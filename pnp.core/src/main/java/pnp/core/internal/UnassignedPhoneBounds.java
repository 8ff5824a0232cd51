package pnp.core.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.MacAddress;

/**
 * Keeps the phones that were heard but have no assignment within bounds, per source address, per
 * subnet (/24, /64 for IPv6) and in total, so that SUBSCRIBEs with made-up MACs cannot push real phones
 * out of the inventory. When a bound is passed, the phones with the least evidence go first: unclaimed
 * before claimed (a phone an admin may be about to assign), then fewest SUBSCRIBEs (a real phone repeats
 * its SUBSCRIBE; a made-up MAC is heard once), then the one heard longest ago. A source that passed its
 * bound is reported: a WARN line at most once a minute per source, and a note on the reason of its
 * phones the console shows.
 *
 * <p>Threading: the inventory's worker thread only.
 */
final class UnassignedPhoneBounds {

    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    /** The bounds; a value below 1 means no bound. */
    record Limits(int perAddress, int perSubnet, int total) {
    }

    /** Least evidence first. */
    static final Comparator<PhoneRecord> LEAST_EVIDENCE = Comparator
            .comparing((PhoneRecord r) -> !r.profile.isEmpty())
            .thenComparingLong(r -> r.sightings)
            .thenComparing(r -> r.sighting.time());

    /** Heard phones (assigned or not) by the address and by the subnet of their last SUBSCRIBE. */
    /** Compiled once ({@code String.matches} compiled it again for every sighting). */
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private final Map<String, Set<MacAddress>> byAddress = new HashMap<>();
    private final Map<String, Set<MacAddress>> bySubnet = new HashMap<>();
    /** Sources that passed a bound: how many of their phones were forgotten, and when that was last logged. */
    private final Map<String, Flood> floods = new HashMap<>();

    private static final class Flood {
        long forgotten;
        Instant warned = Instant.MIN;
        String bound = "";
    }

    /** The phone was heard from {@code address}; {@code before} is where it was heard last, or null. */
    void heard(MacAddress mac, String before, String address) {
        if (before != null && !before.equals(address)) {
            forgotten(mac, before);
        }
        add(byAddress, address, mac);
        add(bySubnet, subnet(address), mac);
    }

    /** The phone left the inventory (or moved away from {@code address}). */
    void forgotten(MacAddress mac, String address) {
        remove(byAddress, address, mac);
        remove(bySubnet, subnet(address), mac);
    }

    /**
     * The phones to forget so that the inventory is within its bounds after {@code newcomer} (heard for the
     * first time, unassigned) joined it; the newcomer itself may be one of them.
     *
     * @param records every phone record, for the total bound
     */
    List<PhoneRecord> overBounds(PhoneRecord newcomer, Limits limits, Function<MacAddress, PhoneRecord> record,
            Collection<PhoneRecord> records, Predicate<MacAddress> assigned) {
        List<PhoneRecord> out = new ArrayList<>();
        String address = newcomer.sighting.sourceAddress();
        String subnet = subnet(address);
        pick(byAddress.get(address), limits.perAddress(), record, assigned, out, address,
                "pnp.core maxUnassignedPerAddress " + limits.perAddress());
        pick(bySubnet.get(subnet), limits.perSubnet(), record, assigned, out, subnet,
                "pnp.core maxUnassignedPerSubnet " + limits.perSubnet());
        if (limits.total() > 0 && records.size() - out.size() > limits.total()) {
            List<PhoneRecord> all = records.stream()
                    .filter(r -> r.sighting != null && !assigned.test(r.mac) && !out.contains(r))
                    .sorted(LEAST_EVIDENCE).toList();
            int excess = records.size() - out.size() - limits.total();
            for (PhoneRecord r : all.subList(0, Math.min(excess, all.size()))) {
                out.add(r);
                count(r.sighting.sourceAddress(), "pnp.core maxPhones " + limits.total());
            }
        }
        return out;
    }

    private void pick(Set<MacAddress> heard, int limit, Function<MacAddress, PhoneRecord> record,
            Predicate<MacAddress> assigned, List<PhoneRecord> out, String source, String bound) {
        if (limit < 1 || heard == null || heard.size() <= limit) {
            return;
        }
        List<PhoneRecord> unassigned = new ArrayList<>();
        for (MacAddress mac : heard) {
            PhoneRecord r = record.apply(mac);
            if (r != null && r.sighting != null && !assigned.test(mac) && !out.contains(r)) {
                unassigned.add(r);
            }
        }
        if (unassigned.size() <= limit) {
            return;
        }
        unassigned.sort(LEAST_EVIDENCE);
        for (PhoneRecord r : unassigned.subList(0, unassigned.size() - limit)) {
            out.add(r);
            count(source, bound);
        }
    }

    private void count(String source, String bound) {
        Flood f = floods.computeIfAbsent(source, s -> new Flood());
        f.forgotten++;
        f.bound = bound;
    }

    /** Logs each source that passed a bound, at most once a minute per source. */
    void report(Instant now) {
        for (Map.Entry<String, Flood> e : floods.entrySet()) {
            Flood f = e.getValue();
            if (f.forgotten > 0 && Duration.between(f.warned, now).compareTo(WARN_EVERY) >= 0) {
                f.warned = now;
                LOG.warn("{} announced more unassigned phones than {}: {} forgotten so far, those heard least "
                        + "(made-up MACs? the phones' reason in the console says so; raise the bound for a NAT or "
                        + "a large site)", LogText.of(e.getKey()), f.bound, f.forgotten);
            }
        }
    }

    /** What the console should show on a phone from this address: empty, or how many of its neighbours were forgotten. */
    String note(String address) {
        Flood f = floods.get(address);
        if (f == null) {
            f = floods.get(subnet(address));
        }
        return f == null ? "" : "; " + f.forgotten + " unassigned phones from its address or subnet were forgotten ("
                + f.bound + "): a flood of made-up MACs?";
    }

    /** How many phones the bounds forgot, by source (address, subnet): what the WARN lines and notes report. */
    Map<String, Long> forgottenBySource() {
        Map<String, Long> out = new HashMap<>();
        floods.forEach((source, f) -> out.put(source, f.forgotten));
        return out;
    }

    /** {@code a.b.c.0/24} for IPv4, the /64 for IPv6, the text itself when it is no address. */
    static String subnet(String address) {
        if (!address.contains(":") && !IPV4_LITERAL.matcher(address).matches()) {
            return address; // not a literal: never a name lookup on the worker
        }
        try {
            byte[] b = InetAddress.getByName(address).getAddress();
            if (b.length == 4) {
                return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
            }
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
            }
            return s.append(":/64").toString();
        } catch (UnknownHostException | RuntimeException e) {
            return address;
        }
    }

    /**
     * Most addresses have one phone: its set is an immutable one of a single MAC (a few bytes, not a
     * HashSet's table), grown into a HashSet when a second phone shares the address.
     */
    private static void add(Map<String, Set<MacAddress>> index, String key, MacAddress mac) {
        index.compute(key, (k, set) -> {
            if (set == null) {
                return Set.of(mac);
            }
            if (set.contains(mac)) {
                return set;
            }
            Set<MacAddress> grown = set instanceof HashSet<MacAddress> h ? h : new HashSet<>(set);
            grown.add(mac);
            return grown;
        });
    }

    private static void remove(Map<String, Set<MacAddress>> index, String key, MacAddress mac) {
        Set<MacAddress> set = index.get(key);
        if (set == null || !set.contains(mac)) {
            return;
        }
        if (set.size() == 1) {
            index.remove(key);
        } else {
            set.remove(mac); // a HashSet: only single-MAC sets are immutable
        }
    }
}
