package pnp.launch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Settles the home directory before the framework starts any bundle (bnd's launcher starts
 * {@code Embedded-Activator}s of its run path first).
 *
 * <p>Home is the framework or system property {@code pnp.home}, else the working directory. Under it,
 * {@code data/} holds all persistent state and {@code deploy/} is watched for bundles and
 * configuration files. Because {@code BundleContext.getProperty} falls back to system properties,
 * setting these as system properties is how Config Admin and FileInstall learn the absolute paths.
 * Then Config Admin's store is repaired from a crash in the middle of a write
 * ({@link ConfigStoreRepair}), and configurations whose {@code deploy/} file was removed while the
 * server was stopped are deleted from it ({@link StaleDeployConfigs}), before Config Admin reads it.
 */
public final class HomeDirectory implements BundleActivator {

    public static final String HOME = "pnp.home";
    static final String CONFIG_DIR = "felix.cm.dir";
    static final String LOGGING = "org.ops4j.pax.logging.property.file";

    /** Tells bnd's launcher to run this right after the framework is initialised, before bundles start. */
    public static final String IMMEDIATE = "AFTER_FRAMEWORK_INIT";

    @Override
    public void start(BundleContext context) throws IOException {
        String configured = context.getProperty(HOME);
        Path home = Path.of(configured != null ? configured : System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Map.Entry<String, Path> e : layout(home).entrySet()) {
            Files.createDirectories(e.getValue());
            if (context.getProperty(e.getKey()) == null) {
                System.setProperty(e.getKey(), e.getValue().toString());
            }
        }
        System.setProperty(HOME, home.toString());
        defaultLogging(context);
        Path store = Path.of(context.getProperty(CONFIG_DIR));
        try {
            for (String done : ConfigStoreRepair.repair(store)) {
                System.out.println("pnp.launch: Config Admin store " + store + ": " + done);
            }
        } catch (IOException e) {
            System.err.println("pnp.launch: cannot check the Config Admin store " + store
                    + " for writes a crash interrupted: " + e);
        }
        try {
            for (String done : StaleDeployConfigs.remove(store)) {
                System.out.println("pnp.launch: " + done);
            }
        } catch (IOException e) {
            System.err.println("pnp.launch: cannot check the Config Admin store " + store
                    + " for configurations whose deploy/ file was removed while stopped: " + e);
        }
    }

    /**
     * Hands pax-logging our default configuration ({@code logging.properties} beside this class), unless
     * one is named already. pax-logging reads a file path, so it is copied into the system bundle's data
     * area in the framework cache, which is rewritten at every start.
     */
    private static void defaultLogging(BundleContext context) {
        if (context.getProperty(LOGGING) != null) {
            return;
        }
        File file = context.getDataFile("pnp-logging.properties");
        try (InputStream in = HomeDirectory.class.getResourceAsStream("logging.properties")) {
            if (file == null || in == null) {
                return;
            }
            Files.copy(in, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
            System.setProperty(LOGGING, file.getAbsolutePath());
        } catch (IOException e) {
            System.err.println("pnp.launch: cannot write the default logging configuration " + file + ": " + e);
        }
    }

    @Override
    public void stop(BundleContext context) {
        // nothing to undo: the directories stay
    }

    /** Which property points where, for a given home. */
    static Map<String, Path> layout(Path home) {
        return Map.of(
                CONFIG_DIR, home.resolve("data").resolve("config"),
                "felix.fileinstall.dir", home.resolve("deploy"),
                "pnp.data", home.resolve("data"));
    }
}
