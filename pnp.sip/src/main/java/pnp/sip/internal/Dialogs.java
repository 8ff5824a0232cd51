package pnp.sip.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import pnp.api.MacAddress;

/**
 * The SUBSCRIBE dialogs a NOTIFY may still go into, by phone: written by the answerer (on the threads that
 * receive), taken once by the NOTIFY sender (on its own thread). Lives as long as the component, across
 * configuration changes. Thread-safe.
 */
final class Dialogs {

    /**
     * Dialogs kept for a NOTIFY still to come (the phone's assignment may come later): an hour each, at
     * most this many (SUBSCRIBEs with made-up MACs must not fill the heap); past either, the NOTIFY goes
     * out of the dialog.
     */
    static final int MAX_DIALOGS = 50_000;
    static final long KEEP_NANOS = TimeUnit.HOURS.toNanos(1);

    /**
     * The SUBSCRIBE's dialog identifiers, addresses kept as text (a parsed JAIN-SIP address is a graph of
     * a dozen objects; ten thousand phones add up).
     */
    record Dialog(String callId, String phone, String phoneTag, String us, String ourTag, String contactHost,
            int contactPort, long heardAt) {
    }

    private final Map<MacAddress, Dialog> dialogs = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    /** Keeps a phone's dialog; false when the table is full of other phones' (the caller says so, rate-limited). */
    boolean keep(MacAddress mac, Dialog dialog) {
        long now = System.nanoTime();
        if (Sweep.due(dialogs, lastSweep, now)) {
            dialogs.values().removeIf(d -> now - d.heardAt() > KEEP_NANOS);
        }
        if (dialogs.size() < MAX_DIALOGS || dialogs.containsKey(mac)) {
            dialogs.put(mac, dialog);
            return true;
        }
        return false;
    }

    /**
     * Takes the phone's dialog if its contact is still the one given: the NOTIFY ends the subscription
     * (terminated), so a dialog is used once, and a later NOTIFY goes out of it rather than into a dialog
     * the phone has closed.
     */
    Dialog take(MacAddress mac, String contactHost, int contactPort) {
        Dialog d = dialogs.remove(mac);
        return d != null && d.contactHost().equals(contactHost) && d.contactPort() == contactPort ? d : null;
    }
}
