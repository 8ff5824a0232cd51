package pnp.console.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneInventory;

/**
 * Which phones a resync asked for from the console or Gogo is for (one phone, the selected ones, all of
 * a vendor or model, all), and what became of the request: the inventory queues the running ones and
 * refuses the others (not heard, unassigned, never downloaded).
 */
final class ResyncSelection {

    /** What was asked: queued for a resync, or refused with the MACs. */
    record Result(List<MacAddress> queued, List<MacAddress> refused) {
        String summary() {
            StringBuilder out = new StringBuilder("Resync queued for " + queued.size() + " phone(s)");
            if (!refused.isEmpty()) {
                out.append("; ").append(refused.size()).append(" not running with their files (not heard, "
                        + "unassigned or never downloaded): ");
                out.append(String.join(", ", refused.stream().limit(10).map(MacAddress::colonSeparated).toList()));
                if (refused.size() > 10) {
                    out.append(", ...");
                }
            }
            return out.toString();
        }
    }

    private ResyncSelection() {
    }

    static Result macs(PhoneInventory inventory, List<MacAddress> macs) {
        List<MacAddress> queued = new ArrayList<>();
        List<MacAddress> refused = new ArrayList<>();
        for (MacAddress m : macs) {
            (inventory.resync(m) ? queued : refused).add(m);
        }
        return new Result(queued, refused);
    }

    /** Every phone with an assignment and a claiming profile that matches; the others are not asked. */
    static Result matching(PhoneInventory inventory, Predicate<Phone> which) {
        return macs(inventory, inventory.phones().stream().filter(p -> p.assigned() && !p.profile().isEmpty())
                .filter(which).map(Phone::mac).toList());
    }

    static Predicate<Phone> all() {
        return p -> true;
    }

    /** The claiming profile's vendor, case-insensitive. */
    static Predicate<Phone> vendor(String vendor) {
        String v = vendor.strip().toLowerCase(Locale.ROOT);
        return p -> p.profile().toLowerCase(Locale.ROOT).equals(v);
    }

    /** The model the phone's last SUBSCRIBE named, case-insensitive. */
    static Predicate<Phone> model(String model) {
        String m = model.strip().toLowerCase(Locale.ROOT);
        return p -> p.sighting().map(s -> s.model().toLowerCase(Locale.ROOT).equals(m)).orElse(false);
    }
}
