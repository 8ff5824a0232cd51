package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle set as a product: {@code pnp-bundles.zip} in a stock Apache Felix 7.0.5 launcher
 * ({@code org.apache.felix.main} from Maven Central, its own {@code config.properties}), not our
 * launcher: the zip's {@code bundles/} go into Felix's auto-deploy folder {@code bundle/}, a phone is
 * pre-assigned by a file in FileInstall's default watched folder {@code load/}, a simulated
 * Grandstream phone is provisioned, then the Yealink bundle is hot-deployed into {@code load/} and a
 * simulated Yealink phone is provisioned too. Only system properties are added: Gogo must not read
 * stdin, and pax-logging gets the zip's {@code conf/pnp-logging.properties}.
 */
class StockFelixTest {

    static final Path ZIP = Path.of(System.getProperty("pnp.bundles.zip"));
    static final String SIMULATOR = System.getProperty("pnp.simulator.jar");
    static final String YEALINK = System.getProperty("pnp.yealink.jar");

    static Path felixMain() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(File.pathSeparator)).filter(p -> p.endsWith("org.apache.felix.main-7.0.5.jar"))
                .map(Path::of).findFirst().orElseThrow(() -> new AssertionError("org.apache.felix.main not on " + cp));
    }

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "timeout");
        assertTrue(Files.isRegularFile(ZIP), "build pnp.dist first: " + ZIP);
    }

    /** Felix's layout: bin/felix.jar, conf/config.properties (the launcher's own), bundle/, load/. */
    private static void installFelix(Path felix) throws IOException {
        Files.createDirectories(felix.resolve("bin"));
        Files.createDirectories(felix.resolve("conf"));
        Files.createDirectories(felix.resolve("bundle"));
        Files.createDirectories(felix.resolve("load"));
        Files.copy(felixMain(), felix.resolve("bin/felix.jar"));
        try (ZipFile jar = new ZipFile(felix.resolve("bin/felix.jar").toFile());
                InputStream in = jar.getInputStream(jar.getEntry("config.properties"))) {
            Files.copy(in, felix.resolve("conf/config.properties"));
        }
        int bundles = 0;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(ZIP))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null;) {
                String name = e.getName();
                if (name.startsWith("bundles/") && name.endsWith(".jar")) {
                    Files.copy(zip, felix.resolve("bundle").resolve(name.substring("bundles/".length())));
                    bundles++;
                } else if (name.equals("conf/pnp-logging.properties")) {
                    Files.copy(zip, felix.resolve(name));
                }
            }
        }
        assertTrue(bundles > 20, bundles + " bundles in " + ZIP);
    }

    private static String simulate(String label, String options) {
        return "timeout 60 java -jar " + SIMULATOR + " --target 127.0.0.1:5060 --downloads 2 --timeout 40 " + options
                + " > " + label + ".out 2>&1; echo \"" + label + " exit $?\"\n"
                + "for i in $(seq 1 100); do [ \"$(phone_state felix/data/phones/phones.journal $mac)\" = PROVISIONED ] "
                + "&& break; sleep 0.1; done\n"
                + "echo \"" + label + " state $(phone_state felix/data/phones/phones.journal $mac)\"\n";
    }

    @Test
    void theBundleSetProvisionsPhonesInAStockFelixAndTakesAHotDeployedVendorBundle(@TempDir Path dir) throws Exception {
        Path felix = dir.resolve("felix");
        installFelix(felix);
        Files.writeString(felix.resolve("load/pnp.phone-alice.cfg"),
                "mac=000B82000001\nextension=201\npassword=Alice-s3cret\ndisplayName=Alice\n");
        Files.writeString(felix.resolve("load/pnp.phone-yvonne.cfg"),
                "mac=001565000001\nextension=301\npassword=Yea-s3cret\ndisplayName=Yvonne\n");
        String out = Namespace.run(dir, "(cd felix && exec java -Dgosh.args=--nointeractive "
                + "-Dorg.ops4j.pax.logging.property.file=conf/pnp-logging.properties -jar bin/felix.jar "
                + "</dev/null >felix.log 2>&1) &\n"
                + "server=$!\n"
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + "for i in $(seq 1 300); do grep -q 'PnP server ready' felix/felix.log && "
                + "grep -q 'Vendor profile Grandstream arrived' felix/felix.log && break; sleep 0.1; done\n"
                + "mac=000b82000001\n"
                + simulate("grandstream", "")
                + "cp " + YEALINK + " felix/yealink.jar.tmp && mv felix/yealink.jar.tmp felix/load/pnp.vendor.yealink.jar\n"
                + "for i in $(seq 1 100); do grep -q 'Vendor profile Yealink arrived' felix/felix.log && break; sleep 0.1; done\n"
                + "mac=001565000001\n"
                + simulate("yealink", "--vendor yealink"), 180);
        String context = out + Namespace.files(dir, "grandstream.out", "yealink.out", "felix/felix.log");
        assertTrue(out.contains("grandstream exit 0"), "a Grandstream phone provisioned in stock Felix:\n" + context);
        assertTrue(out.contains("grandstream state PROVISIONED"), context);
        assertTrue(out.contains("yealink exit 0"), "the hot-deployed Yealink bundle provisions its phone:\n" + context);
        assertTrue(out.contains("yealink state PROVISIONED"), context);
    }
}
