package pnp.console.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneInventory;
import pnp.api.ResyncProgress;

/**
 * Gogo shell commands for the phones, the same operations as the console's Phones page:
 * {@code pnp:phones}, {@code pnp:assign <mac> <extension> <displayName> [password]},
 * {@code pnp:notify <mac>}, {@code pnp:forget <mac>},
 * {@code pnp:resync <mac>|--vendor <vendor>|--model <model>|--all}. A plain service with the
 * {@code osgi.command.*} properties, so the bundle needs no Gogo API. Each command returns its
 * output as text (the shell prints it) and throws {@link IllegalArgumentException} for bad input.
 */
@Component(service = PhoneCommands.class, property = {
        "osgi.command.scope=pnp",
        "osgi.command.function=phones",
        "osgi.command.function=assign",
        "osgi.command.function=notify",
        "osgi.command.function=forget",
        "osgi.command.function=resync",
        "osgi.command.function=rotate",
        "osgi.command.function=approve",
        "osgi.command.function=ignore" })
public class PhoneCommands {

    private final PhoneInventory inventory;
    private final Assignments assignments;

    @Activate
    public PhoneCommands(@Reference PhoneInventory inventory, @Reference ConfigurationAdmin configAdmin) {
        this(inventory, new Assignments(configAdmin, Assignments.generatedPasswords()));
    }

    PhoneCommands(PhoneInventory inventory, Assignments assignments) {
        this.inventory = inventory;
        this.assignments = assignments;
    }

    /** {@code pnp:phones}: one line per known phone. */
    public String phones() throws IOException {
        List<Phone> phones = inventory.phones();
        Map<MacAddress, Assignments.Current> assigned = assignments.all();
        StringBuilder out = new StringBuilder(String.format("%-17s  %-12s  %-14s  %-15s  %-9s  %-12s  %s%n",
                "MAC", "VENDOR", "MODEL", "ADDRESS", "EXTENSION", "STATE", "SINCE"));
        for (Phone p : phones) {
            Assignments.Current a = assigned.get(p.mac());
            out.append(String.format("%-17s  %-12s  %-14s  %-15s  %-9s  %-12s  %s%n", p.mac().colonSeparated(),
                    printable(p.profile().isEmpty() ? "-" : p.profile()),
                    printable(p.sighting().map(s -> s.model()).orElse("")),
                    p.sighting().map(s -> s.sourceAddress()).orElse("-"),
                    printable(a != null ? a.extension() : p.extension()), p.state(), p.stateSince()));
            inventory.reask(p.mac()).ifPresent(r -> out.append("    ").append(printable(r.summary())).append('\n'));
        }
        out.append(phones.size()).append(" phone(s)");
        return out.toString();
    }

    /** {@code pnp:assign <mac> <extension> <displayName>}: a strong password is generated and printed. */
    public String assign(String mac, String extension, String displayName) throws IOException {
        return assign(mac, extension, displayName, "");
    }

    /** {@code pnp:assign <mac> <extension> <displayName> <password>}. */
    public String assign(String mac, String extension, String displayName, String password) throws IOException {
        try {
            Assignments.Saved s = assignments.assign(new Assignments.Request(mac(mac), extension, "", "", password,
                    displayName, List.of(), List.of()));
            StringBuilder out = new StringBuilder((s.created() ? "Assigned " : "Updated ") + s.mac().colonSeparated()
                    + " to extension " + extension + " (" + s.pid() + ")");
            if (!s.generatedPassword().isEmpty()) {
                out.append("\nSIP password (shown only now): ").append(s.generatedPassword());
            }
            if (!s.warning().isEmpty()) {
                out.append("\nNote: ").append(s.warning());
            }
            return out.toString();
        } catch (Assignments.Rejected e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** {@code pnp:notify <mac>}: renders the phone's files again and sends its NOTIFY. */
    public String notify(String mac) {
        MacAddress m = mac(mac);
        if (!inventory.renotify(m)) {
            throw new IllegalArgumentException(m.colonSeparated()
                    + " cannot be notified: it must have been heard, be claimed by a vendor bundle and be assigned");
        }
        return "NOTIFY for " + m.colonSeparated() + " is on its way";
    }

    /** {@code pnp:forget <mac>}: drops what was heard of the phone; its assignment stays. */
    public String forget(String mac) {
        MacAddress m = mac(mac);
        if (!inventory.forget(m)) {
            throw new IllegalArgumentException(m.colonSeparated() + " is not known");
        }
        return "Forgot " + m.colonSeparated();
    }

    // ---- resync ----

    /** {@code pnp:resync <mac>} or {@code pnp:resync --all}: queues the resync of running phones. */
    public String resync(String what) {
        if (what.equals("--all")) {
            return progress(ResyncSelection.matching(inventory, ResyncSelection.all()));
        }
        if (what.startsWith("--")) {
            throw new IllegalArgumentException("usage: pnp:resync <mac> | --vendor <vendor> | --model <model> | --all");
        }
        MacAddress m = mac(what);
        if (!inventory.resync(m)) {
            throw new IllegalArgumentException(m.colonSeparated() + " cannot be resynced: it must be assigned, claimed "
                    + "by a vendor bundle and have downloaded its files (pnp:notify provisions a booting phone)");
        }
        return "Resync of " + m.colonSeparated() + " queued; pnp:phones shows its state (RESYNCED or RESYNC_FAILED)";
    }

    /** {@code pnp:resync --vendor <vendor>} or {@code pnp:resync --model <model>}. */
    public String resync(String option, String value) {
        return switch (option) {
            case "--vendor" -> progress(ResyncSelection.matching(inventory, ResyncSelection.vendor(value)));
            case "--model" -> progress(ResyncSelection.matching(inventory, ResyncSelection.model(value)));
            default -> throw new IllegalArgumentException(
                    "usage: pnp:resync <mac> | --vendor <vendor> | --model <model> | --all");
        };
    }

    private String progress(ResyncSelection.Result result) {
        ResyncProgress p = inventory.resyncProgress();
        return result.summary() + "\nQueue: " + p.queued() + " waiting to be sent at " + p.perSecond()
                + "/s, " + p.waiting() + " sent and awaiting the download; this batch: " + p.sent() + " sent, "
                + p.resynced() + " resynced, " + p.failed() + " failed";
    }

    /**
     * {@code pnp:rotate <mac>}: new URL token and HTTP credentials (the old ones stop working); the phone is
     * notified to fetch its new file. {@code pnp:rotate <mac> sip} also gives its assignment a new generated
     * SIP password.
     */
    public String rotate(String mac) {
        MacAddress m = mac(mac);
        if (!inventory.rotateSecrets(m)) {
            throw new IllegalArgumentException(m.colonSeparated()
                    + " has no served files: it must have been heard, be claimed by a vendor bundle and be assigned");
        }
        return "New URL token and HTTP credentials for " + m.colonSeparated() + "; NOTIFY on its way";
    }

    /** {@code pnp:rotate <mac> sip}: as {@link #rotate(String)}, and a new SIP password (printed once). */
    public String rotate(String mac, String what) throws IOException {
        if (!"sip".equals(what)) {
            throw new IllegalArgumentException("pnp:rotate <mac> [sip]");
        }
        MacAddress m = mac(mac);
        Assignments.Current a = assignments.all().get(m);
        if (a == null) {
            throw new IllegalArgumentException(m.colonSeparated() + " has no assignment");
        }
        try {
            String password = Assignments.generatedPasswords().get();
            assignments.assign(new Assignments.Request(m, a.extension(), a.sipUserId(), a.authId(), password,
                    a.displayName(), a.codecs(), List.copyOf(a.lineKeys())));
            return rotate(mac) + "\nNew SIP password (shown only now; set it on the PBX): " + password;
        } catch (Assignments.Rejected e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** {@code pnp:approve <mac>}: provisions the device that asked for the phone's MAC (see pnp:phones). */
    public String approve(String mac) {
        MacAddress m = mac(mac);
        String asker = inventory.reask(m).map(r -> r.address()).orElse("");
        if (!inventory.approveReask(m)) {
            throw new IllegalArgumentException(m.colonSeparated() + " has no request to approve");
        }
        return "Provisioning " + m.colonSeparated() + " at " + asker + "; its old URL and HTTP credentials no longer work";
    }

    /** {@code pnp:ignore <mac>}: drops the phone's request to be provisioned again. */
    public String ignore(String mac) {
        MacAddress m = mac(mac);
        if (!inventory.ignoreReask(m)) {
            throw new IllegalArgumentException(m.colonSeparated() + " has no request to ignore");
        }
        return "Ignored the request for " + m.colonSeparated();
    }

    private static MacAddress mac(String text) {
        return MacAddress.parse(text).orElseThrow(() -> new IllegalArgumentException("not a MAC address: " + text));
    }

    /** Keeps a phone's strings from driving the terminal: control characters become '?'. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

}
