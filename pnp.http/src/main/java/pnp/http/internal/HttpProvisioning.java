package pnp.http.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.ProvisioningFiles;
import pnp.api.ServerStatus;

/**
 * The DS component behind configuration {@code pnp.http}: runs one {@link HttpProvisioningServer}
 * for the current configuration, replaces it live when the configuration changes, and reports its
 * endpoints as a {@link ServerStatus} (so the core builds {@code http(s)://host:port/provisioning/...}
 * URLs only for a connector that listens, and the console shows why one does not).
 *
 * <p>Threading: DS calls activate, modified and deactivate one at a time; {@link #endpoints()} is
 * called from any thread and reads a volatile reference.
 */
@Component(service = ServerStatus.class, configurationPid = HttpProvisioningServer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = HttpProvisioning.Config.class)
public final class HttpProvisioning implements ServerStatus {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProvisioning.class);

    @ObjectClassDefinition(name = "PnP HTTP provisioning",
            description = "Serves the generated files at http(s)://address:port/provisioning/<token>/<file>.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Serve files over HTTP(S) at all.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Address", description = "Local address to listen on; 0.0.0.0 for all.")
        String address() default "0.0.0.0";

        @AttributeDefinition(name = "HTTP port", description = "Port of the plain HTTP connector.")
        int port() default 5481;

        @AttributeDefinition(name = "HTTPS port", description = "Port of the HTTPS connector; 0 = no HTTPS.")
        int httpsPort() default 0;

        @AttributeDefinition(name = "Key store",
                description = "PKCS12 key store for HTTPS. Empty: a self-signed certificate generated on first start "
                        + "and kept in <pnp.data>/keys/http.p12 (its SHA-256 fingerprint is logged).")
        String keystore() default "";

        /** Stored as {@code .keystorePassword}: a leading dot keeps it out of the service properties. */
        @AttributeDefinition(name = "Key store password", type = AttributeType.PASSWORD,
                description = "Password of the configured key store (not used for the generated one).")
        String _keystorePassword() default "";

        @AttributeDefinition(name = "Most threads", description = "Most threads the HTTP server may use (at least 8).")
        int maxThreads() default 32;
    }

    private final ProvisioningFiles files;
    private final Path keysDirectory;
    private volatile HttpProvisioningServer server;
    private volatile List<Endpoint> disabled = List.of();

    @Activate
    public HttpProvisioning(@Reference(name = "files") ProvisioningFiles files, BundleContext context,
            Config config) {
        this.files = files;
        String data = Optional.ofNullable(context.getProperty("pnp.data"))
                .orElse(Path.of(System.getProperty("user.dir"), "data").toString());
        this.keysDirectory = Path.of(data, "keys");
        apply(config);
    }

    @Modified
    void modified(Config config) {
        LOG.debug("Configuration {} changed: restarting the HTTP connectors", HttpProvisioningServer.PID);
        stopServer();
        apply(config);
    }

    @Deactivate
    void deactivate() {
        stopServer();
    }

    @Override
    public List<Endpoint> endpoints() {
        HttpProvisioningServer s = server;
        return s != null ? s.endpoints() : disabled;
    }

    private void apply(Config config) {
        if (!config.enabled()) {
            disabled = List.of(new Endpoint("http", config.address(), config.port(), false,
                    "disabled: enabled=false in configuration " + HttpProvisioningServer.PID));
            LOG.info("HTTP provisioning is disabled by configuration {}", HttpProvisioningServer.PID);
            return;
        }
        disabled = List.of();
        String keystore = config.keystore() == null ? "" : config.keystore().trim();
        HttpProvisioningServer.Settings settings = new HttpProvisioningServer.Settings(config.address().trim(),
                config.port(), config.httpsPort() > 0 ? config.httpsPort() : -1,
                keystore.isEmpty() ? null : Path.of(keystore), config._keystorePassword(), keysDirectory,
                config.maxThreads());
        HttpProvisioningServer s = new HttpProvisioningServer(files, settings);
        s.start();
        server = s;
    }

    private void stopServer() {
        HttpProvisioningServer s = server;
        server = null;
        if (s != null) {
            s.stop();
        }
    }
}
