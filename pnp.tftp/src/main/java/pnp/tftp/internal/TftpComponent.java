package pnp.tftp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.ProvisioningFiles;
import pnp.api.ServerStatus;

/**
 * Serves the store's files over TFTP: binds {@link ProvisioningFiles} to a {@link TftpServer} and reports its
 * endpoint as a {@link ServerStatus}.
 *
 * <p>A port that cannot be bound is logged once and reported through {@link #endpoints()}; the component
 * stays active, so a new configuration can fix it. Changing address or port rebinds; other values apply to
 * transfers that start afterwards.
 *
 * <p>Threading: DS calls activate, modified and deactivate serially; {@link #endpoints()} may be called from
 * any thread. {@code lock} guards {@code server} and {@code applied}.
 */
@Component(service = ServerStatus.class, configurationPid = "pnp.tftp",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = TftpComponent.Config.class)
public final class TftpComponent implements ServerStatus {

    private static final Logger LOG = LoggerFactory.getLogger(TftpComponent.class);
    static final String PROTOCOL = "tftp";

    @ObjectClassDefinition(name = "PnP TFTP server",
            description = "Serves generated provisioning files to phones over TFTP (read-only).")
    public @interface Config {

        @AttributeDefinition(name = "Enabled", description = "Whether the TFTP server runs.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Address", description = "Local IP address to listen on; 0.0.0.0 for all. "
                + "On a host with several addresses in the phones' network, name one: replies come from it.")
        String address() default "0.0.0.0";

        @AttributeDefinition(name = "Port", description = "UDP port for requests (69 needs root or "
                + "CAP_NET_BIND_SERVICE).", min = "1", max = "65535")
        int port() default 69;

        @AttributeDefinition(name = "Largest block size", description = "blksize requests are clamped to this "
                + "(RFC 2348: 8-65464).", min = "8", max = "65464")
        int maxBlockSize() default 65464;

        @AttributeDefinition(name = "Timeout (s)", description = "Retransmission timeout when the client does "
                + "not negotiate one.", min = "1", max = "255")
        int timeoutSeconds() default 1;

        @AttributeDefinition(name = "Retries", description = "Resends of one packet before a transfer is given "
                + "up.", min = "0", max = "100")
        int retries() default 5;

        @AttributeDefinition(name = "Concurrent transfers", description = "Transfers running at once, in total.",
                min = "1")
        int maxTransfers() default 512;

        @AttributeDefinition(name = "Concurrent transfers per address", description = "Transfers running at "
                + "once for one client address; more requests are answered with an error.", min = "1")
        int maxTransfersPerAddress() default 8;
    }

    private final ProvisioningFiles files;
    private final Object lock = new Object();
    private TftpServer server;
    private TftpSettings applied;
    private volatile Endpoint endpoint;

    @Activate
    public TftpComponent(@Reference(name = "files") ProvisioningFiles files, Config config) {
        this.files = files;
        apply(config);
    }

    @Modified
    void modified(Config config) {
        apply(config);
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            stopServer();
            LOG.debug("TFTP component deactivated");
        }
    }

    @Override
    public List<Endpoint> endpoints() {
        return List.of(endpoint);
    }

    private void apply(Config config) {
        synchronized (lock) {
            InetAddress address;
            try {
                address = InetAddress.getByName(config.address().trim());
            } catch (UnknownHostException | SecurityException e) {
                stopServer();
                String problem = "unknown address '" + config.address() + "'";
                LOG.warn("TFTP server cannot listen on {}:{}: {}; set 'address' in configuration pnp.tftp to a "
                        + "local IP address", config.address(), config.port(), problem);
                endpoint = new Endpoint(PROTOCOL, config.address(), config.port(), false, problem);
                return;
            }
            TftpSettings settings = new TftpSettings(address, config.port(), config.maxBlockSize(),
                    config.timeoutSeconds(), config.retries(), config.maxTransfers(),
                    config.maxTransfersPerAddress(), TftpSettings.defaultEventLoops());
            String shown = address.getHostAddress();
            if (!config.enabled()) {
                stopServer();
                endpoint = new Endpoint(PROTOCOL, shown, settings.port(), false, "disabled by configuration");
                LOG.debug("TFTP server disabled by configuration");
                return;
            }
            if (server != null && !applied.bindsDifferently(settings)) {
                server.reconfigure(settings);
                applied = settings;
                LOG.debug("TFTP server reconfigured: {}", settings);
                return;
            }
            stopServer();
            TftpServer candidate = new TftpServer(this::find, settings);
            try {
                candidate.start();
            } catch (IOException | RuntimeException e) {
                String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warn("TFTP server cannot listen on {}:{} ({}); change 'address' or 'port' in configuration "
                        + "pnp.tftp (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
                        shown, settings.port(), problem);
                endpoint = new Endpoint(PROTOCOL, shown, settings.port(), false, problem);
                return;
            }
            server = candidate;
            applied = settings;
            endpoint = new Endpoint(PROTOCOL, shown, candidate.localAddress().getPort(), true, "");
            LOG.debug("TFTP server started on {}", candidate.localAddress());
        }
    }

    private void stopServer() {
        if (server != null) {
            server.close();
            server = null;
            applied = null;
        }
    }

    private TftpFiles.Answer find(String name, InetAddress requester) {
        ProvisioningFiles.Lookup lookup = files.lookup(null, name, requester, PROTOCOL);
        if (lookup instanceof ProvisioningFiles.Found found) {
            return new TftpFiles.Download(found.file().content(),
                    () -> files.downloaded(found, requester, PROTOCOL, ""));
        }
        return new TftpFiles.Missing(((ProvisioningFiles.NotFound) lookup).reason());
    }
}
