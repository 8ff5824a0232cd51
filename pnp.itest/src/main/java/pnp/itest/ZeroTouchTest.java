package pnp.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pnp.api.MacAddress;
import pnp.api.PhoneInventory;
import pnp.api.PhoneSighting;

/** Zero-touch: claimed phones matching the rule get the next free extensions of the range, then none is left. */
class ZeroTouchTest {

    @InjectBundleContext
    BundleContext context;

    @Test
    void matchingPhonesGetTheNextFreeExtensions(@InjectService PhoneInventory inventory,
            @InjectService ConfigurationAdmin cm) throws Exception {
        Configuration core = cm.getConfiguration("pnp.core", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("zeroTouch", true);
        props.put("zeroTouchVendors", new String[] { "Grandstream" });
        props.put("zeroTouchMacPrefixes", new String[] { "c0:74:ad" });
        props.put("zeroTouchExtensions", "500-501");
        core.update(props);
        MacAddress a = mac("c074ad000001"), b = mac("c074ad000002"), c = mac("c074ad000003"), other = mac("000b82000004");
        try {
            // Zero-touch must have its new configuration before the phones arrive (else it hands out the range
            // in no particular order when it looks at the claimed phones). SCR applies it on its own thread and
            // then updates the service properties: wait for those instead of guessing a time.
            Await.until("zero-touch has its configuration", () -> {
                try {
                    ServiceReference<?>[] refs = context.getServiceReferences((String) null,
                            "(&(component.name=pnp.core.internal.ZeroTouch)(zeroTouch=true)(zeroTouchExtensions=500-501))");
                    return refs != null;
                } catch (InvalidSyntaxException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (MacAddress m : new MacAddress[] { a, b, c, other }) {
                inventory.sighted(new PhoneSighting(m, "Grandstream", "GXP2160", "1", "Grandstream GXP2160 1",
                        "127.0.0.31", 5099, "127.0.0.31", 5099, "lo", "127.0.0.1", true, Instant.now()));
                Await.until(m + " claimed", () -> inventory.phone(m).map(p -> "Grandstream".equals(p.profile()))
                        .orElse(false));
            }
            Await.until("two phones assigned", () -> inventory.phone(a).map(p -> p.assigned()).orElse(false)
                    && inventory.phone(b).map(p -> p.assigned()).orElse(false));
            assertEquals(Set.of("500", "501"), Set.of(inventory.phone(a).orElseThrow().extension(),
                    inventory.phone(b).orElseThrow().extension()));
            Thread.sleep(500);
            assertFalse(inventory.phone(c).orElseThrow().assigned(), "the range is used up");
            assertFalse(inventory.phone(other).orElseThrow().assigned(), "not a matching MAC prefix");
        } finally {
            core.delete();
            Configuration[] all = cm.listConfigurations("(service.factoryPid=pnp.phone)");
            for (Configuration zt : all == null ? new Configuration[0] : all) {
                if (String.valueOf(zt.getProperties().get("mac")).startsWith("c074ad")) {
                    zt.delete();
                }
            }
            for (MacAddress m : new MacAddress[] { a, b, c, other }) {
                inventory.forget(m);
            }
        }
    }

    private static MacAddress mac(String s) {
        return MacAddress.parse(s).orElseThrow();
    }
}
