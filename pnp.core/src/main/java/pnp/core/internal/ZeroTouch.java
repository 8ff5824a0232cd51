package pnp.core.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Assignment;
import pnp.api.AssignmentProperties;
import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneEvents;
import pnp.api.PhoneInventory;
import pnp.api.PhoneState;

/**
 * Zero-touch assignment: a phone that a vendor profile claims and that has no assignment gets the next
 * free extension of the configured range, when its vendor and MAC match the rule (configuration
 * {@code pnp.core}, the {@code zeroTouch*} keys of {@link Inventory.Config}). The assignment is a
 * {@code pnp.phone} configuration named {@code zt-<mac>}, written with {@link AssignmentProperties} like
 * the console's; the inventory picks it up as any other.
 *
 * <p>Reacts to {@link PhoneEvents#CLAIMED}, and looks at every claimed phone when its configuration
 * changes. Threading: all Config Admin work on its own thread, in the order the phones were claimed;
 * never on the inventory's worker.
 */
@Component(configurationPid = "pnp.core", property = EventConstants.EVENT_TOPIC + "=" + PhoneEvents.CLAIMED,
        immediate = true)
public class ZeroTouch implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ZeroTouch.class);

    private final ConfigurationAdmin configAdmin;
    private final PhoneInventory inventory;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pnp-zero-touch");
        t.setDaemon(true);
        return t;
    });
    private volatile Inventory.Config config;

    @Activate
    public ZeroTouch(@Reference ConfigurationAdmin configAdmin, @Reference PhoneInventory inventory,
            Inventory.Config config) {
        this.configAdmin = configAdmin;
        this.inventory = inventory;
        modified(config);
    }

    @Modified
    void modified(Inventory.Config config) {
        this.config = config;
        if (config.zeroTouch()) {
            thread.execute(() -> inventory.phones().stream()
                    .filter(p -> p.state() == PhoneState.CLAIMED && !p.assigned())
                    .forEach(p -> consider(p.mac(), p.profile())));
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public void handleEvent(Event event) {
        if (!config.zeroTouch()) {
            return;
        }
        Optional<MacAddress> mac = MacAddress.parse(String.valueOf(event.getProperty(PhoneEvents.MAC)));
        Object vendor = event.getProperty(PhoneEvents.VENDOR);
        mac.ifPresent(m -> thread.execute(() -> consider(m, vendor == null ? "" : vendor.toString())));
    }

    private void consider(MacAddress mac, String vendor) {
        Inventory.Config c = config;
        if (!c.zeroTouch() || !qualifies(c, mac, vendor)
                || inventory.phone(mac).map(Phone::assigned).orElse(false)) {
            return;
        }
        try {
            Configuration conf = configAdmin.getFactoryConfiguration(Assignment.FACTORY_PID, "zt-" + mac.value(), "?");
            if (conf.getProperties() != null) {
                return; // assigned already; the inventory has not seen it yet
            }
            Optional<String> extension = nextFreeExtension(c.zeroTouchExtensions(), extensionsInUse());
            if (extension.isEmpty()) {
                LOG.warn("Zero-touch: no free extension left in '{}' for phone {}; assign it by hand or widen "
                        + "pnp.core zeroTouchExtensions", c.zeroTouchExtensions(), mac);
                return;
            }
            Assignment a = new Assignment(mac, extension.get(), "", "", PhoneFileRenderer.randomText(12),
                    "Ext " + extension.get(), "", 0, "", List.of(), List.of(), java.util.Map.of());
            conf.update(AssignmentProperties.toProperties(a));
            LOG.info("Zero-touch: phone {} ({}) assigned extension {}", mac, LogText.of(vendor), extension.get());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Zero-touch: cannot store the assignment of phone {}: {}", mac, e.toString());
        }
    }

    static boolean qualifies(Inventory.Config c, MacAddress mac, String vendor) {
        List<String> vendors = List.of(c.zeroTouchVendors());
        boolean vendorOk = vendors.isEmpty() || vendors.stream().anyMatch(v -> v.trim().equalsIgnoreCase(vendor));
        boolean macOk = c.zeroTouchMacPrefixes().length == 0 || Arrays.stream(c.zeroTouchMacPrefixes())
                .map(p -> p.replaceAll("[^0-9A-Fa-f]", "").toLowerCase(Locale.ROOT))
                .anyMatch(p -> !p.isEmpty() && mac.value().startsWith(p));
        return vendorOk && macOk;
    }

    /** Every extension a {@code pnp.phone} configuration holds (Config Admin answers at once after an update). */
    private Set<String> extensionsInUse() throws IOException {
        Set<String> used = new HashSet<>();
        try {
            Configuration[] all = configAdmin.listConfigurations(
                    "(service.factoryPid=" + Assignment.FACTORY_PID + ")");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                Object ext = c.getProperties() == null ? null : c.getProperties().get(AssignmentProperties.EXTENSION);
                if (ext != null) {
                    used.add(ext.toString().trim());
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("constant filter", e);
        }
        return used;
    }

    static Optional<String> nextFreeExtension(String range, Set<String> used) {
        String[] ends = range.trim().split("\\s*-\\s*");
        try {
            if (ends.length == 2) {
                long first = Long.parseLong(ends[0]);
                long last = Long.parseLong(ends[1]);
                for (long n = first; n <= last && n - first < 1_000_000; n++) {
                    if (!used.contains(Long.toString(n))) {
                        return Optional.of(Long.toString(n));
                    }
                }
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        if (!range.isBlank()) {
            LOG.warn("pnp.core zeroTouchExtensions '{}' is not first-last (e.g. 200-299)", range);
        }
        return Optional.empty();
    }
}
