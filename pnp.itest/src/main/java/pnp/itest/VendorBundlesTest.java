package pnp.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pnp.api.MacAddress;
import pnp.api.PhoneInventory;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.ProvisioningFiles;

/**
 * Vendor bundles are hot-deployed: a phone heard while no profile claims it is provisioned once its
 * vendor bundle arrives; when the bundle leaves, the phone is unclaimed and its files stop being served.
 */
class VendorBundlesTest {

    @InjectBundleContext
    BundleContext context;

    @ParameterizedTest
    @CsvSource({
        "pnp.vendor.grandstream, Grandstream, GXP2140, 000b82aabb01, 127.0.0.21, cfg000b82aabb01.xml",
        "pnp.vendor.atcom,       ATCOM,       A41,     808287aabb02, 127.0.0.22, 808287aabb02.cfg"
    })
    void phonesFollowTheirVendorBundle(String bsn, String vendor, String model, String macText, String address,
            String file, @InjectService PhoneInventory inventory, @InjectService ProvisioningFiles files,
            @InjectService ConfigurationAdmin cm) throws Exception {
        MacAddress mac = MacAddress.parse(macText).orElseThrow();
        Bundle bundle = Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst()
                .orElseThrow();
        String location = bundle.getLocation();
        uninstall(bundle);

        Configuration assignment = cm.createFactoryConfiguration("pnp.phone", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("mac", macText);
        props.put("extension", "301");
        props.put("password", "hot-deploy-secret");
        props.put("displayName", "Hot Deploy");
        assignment.update(props);
        try {
            inventory.sighted(new PhoneSighting(mac, vendor, model, "1.0", vendor + " " + model + " 1.0", address, 5099,
                    address, 5099, "lo", "127.0.0.1", true, Instant.now()));
            Await.until(mac + " unclaimed without its vendor bundle",
                    () -> inventory.phone(mac).map(p -> p.state() == PhoneState.UNCLAIMED).orElse(false));
            assertInstanceOf(ProvisioningFiles.NotFound.class,
                    files.lookup(null, file, InetAddress.getByName(address), "tftp"));

            Bundle again = install(location);
            again.start();
            Await.until(mac + " claimed by " + vendor + " and served",
                    () -> inventory.phone(mac).map(p -> vendor.equals(p.profile())).orElse(false)
                            && files.lookup(null, file, addr(address), "tftp") instanceof ProvisioningFiles.Found);
            var found = (ProvisioningFiles.Found) files.lookup(null, file, addr(address), "tftp");
            assertTrue(new String(found.file().content(), java.nio.charset.StandardCharsets.UTF_8).contains("hot-deploy-secret"));
            assertInstanceOf(ProvisioningFiles.NotFound.class, files.lookup(null, file, addr("127.0.0.99"), "tftp"),
                    "a phone's file is only served to the phone's own address over TFTP");

            uninstall(again);
            Await.until(mac + " unclaimed again", () -> inventory.phone(mac).map(p -> p.state() == PhoneState.UNCLAIMED)
                    .orElse(false));
            assertInstanceOf(ProvisioningFiles.NotFound.class, files.lookup(null, file, addr(address), "tftp"));
            assertEquals("", inventory.phone(mac).orElseThrow().profile());
        } finally {
            assignment.delete();
            if (Arrays.stream(context.getBundles()).noneMatch(b -> bsn.equals(b.getSymbolicName()))) {
                install(location).start();
            }
        }
    }

    /**
     * Installs through the system bundle: osgi-test uninstalls what a test installs through the
     * injected context when the test ends, and the vendor bundles must stay for the next tests.
     */
    private Bundle install(String location) throws Exception {
        return context.getBundle(0).getBundleContext().installBundle(location);
    }

    /** Uninstalls and refreshes, so no stale revision of the bundle lingers to be cleaned up later. */
    private void uninstall(Bundle bundle) throws Exception {
        bundle.uninstall();
        java.util.concurrent.CountDownLatch refreshed = new java.util.concurrent.CountDownLatch(1);
        context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class)
                .refreshBundles(java.util.List.of(bundle), e -> refreshed.countDown());
        org.junit.jupiter.api.Assertions.assertTrue(refreshed.await(20, java.util.concurrent.TimeUnit.SECONDS),
                "packages refreshed");
    }

    private static InetAddress addr(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
