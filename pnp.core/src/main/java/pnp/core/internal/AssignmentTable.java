package pnp.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import pnp.api.Assignment;
import pnp.api.MacAddress;

/**
 * The {@code pnp.phone} assignments in effect, by configuration and by phone, with the two rules every
 * source of assignments ({@code deploy/} files, the console, zero-touch) must keep: one assignment per
 * phone, and one phone per extension (the console refuses the same). An assignment that breaks a rule is
 * kept aside, not applied, and tried again when the one it conflicts with changes or goes.
 *
 * <p>Threading: the inventory's worker thread only.
 */
final class AssignmentTable {

    /**
     * One configuration's assignment.
     *
     * @param source the configuration as an admin knows it: its file and PID, or its PID
     */
    record Entry(String pid, Assignment assignment, String source) {
    }

    /** The outcome of {@link #put}. */
    sealed interface Change {
    }

    /** In effect; {@code moved} is the phone the configuration assigned before, when it named another MAC. */
    record Applied(Optional<MacAddress> moved) implements Change {
    }

    /** Not in effect: it conflicts with {@code holder}. */
    record Refused(String why, Entry holder) implements Change {
    }

    private final Map<String, Entry> byPid = new HashMap<>();
    private final Map<MacAddress, Entry> byMac = new HashMap<>();
    private final Map<String, Entry> byExtension = new HashMap<>();
    private final Map<String, Entry> refused = new LinkedHashMap<>();

    Change put(String pid, Assignment a, String source) {
        Entry entry = new Entry(pid, a, source);
        Entry holder = byMac.get(a.mac());
        if (holder != null && !holder.pid().equals(pid)) {
            refused.put(pid, entry);
            return new Refused("phone " + a.mac() + " is already assigned", holder);
        }
        holder = byExtension.get(a.extension());
        if (holder != null && !holder.pid().equals(pid)) {
            refused.put(pid, entry);
            return new Refused("extension " + a.extension() + " is already assigned to "
                    + holder.assignment().mac().colonSeparated(), holder);
        }
        refused.remove(pid);
        Entry previous = remove(pid).orElse(null);
        byPid.put(pid, entry);
        byMac.put(a.mac(), entry);
        byExtension.put(a.extension(), entry);
        boolean moved = previous != null && !previous.assignment().mac().equals(a.mac());
        return new Applied(moved ? Optional.of(previous.assignment().mac()) : Optional.empty());
    }

    /** Takes the configuration's assignment out of effect (or out of the refused ones). */
    Optional<Entry> remove(String pid) {
        refused.remove(pid);
        Entry e = byPid.remove(pid);
        if (e == null) {
            return Optional.empty();
        }
        byMac.remove(e.assignment().mac());
        byExtension.remove(e.assignment().extension());
        return Optional.of(e);
    }

    /** The refused assignments, oldest first, to be put again after a change (they may fit now). */
    List<Entry> refused() {
        return new ArrayList<>(refused.values());
    }

    Assignment get(MacAddress mac) {
        Entry e = byMac.get(mac);
        return e == null ? null : e.assignment();
    }

    boolean has(MacAddress mac) {
        return byMac.containsKey(mac);
    }
}
