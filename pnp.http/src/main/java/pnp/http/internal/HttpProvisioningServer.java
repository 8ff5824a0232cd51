package pnp.http.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.ProvisioningFiles;
import pnp.api.ServerStatus;

/**
 * One Jetty 12 server (core API, no servlets) serving {@link ProvisioningHandler} on an HTTP and,
 * when configured, an HTTPS connector. Independent of OSGi: the DS component
 * {@link HttpProvisioning} creates one per configuration, and tests start it directly.
 *
 * <p>Each connector is bound on its own before Jetty starts, so a port that is taken costs only that
 * connector: the other one keeps serving, the problem is logged once with what to change, and
 * {@link #endpoints()} reports it. {@link #start()} never throws.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are synchronized; {@link #endpoints()} reads a
 * volatile immutable list and may be called from any thread.
 */
public final class HttpProvisioningServer implements ServerStatus {

    /** The configuration PID an admin changes when something does not work. */
    static final String PID = "pnp.http";

    private static final Logger LOG = LoggerFactory.getLogger(HttpProvisioningServer.class);

    /**
     * What to listen on.
     *
     * @param address the local address to bind, {@code 0.0.0.0} for all
     * @param port the HTTP port, 0 for an ephemeral one
     * @param httpsPort the HTTPS port, negative for none (0 means ephemeral here; the component maps
     *        its "0 = off" to -1)
     * @param keystore a PKCS12 key store, or {@code null} for the self-signed one in {@code keysDirectory}
     * @param keystorePassword the password of {@code keystore}
     * @param keysDirectory where the self-signed key store is generated and kept
     * @param maxThreads the most threads Jetty may use (at least 8)
     */
    public record Settings(String address, int port, int httpsPort, Path keystore, String keystorePassword,
            Path keysDirectory, int maxThreads) {
        public Settings {
            Objects.requireNonNull(address, "address");
            keystorePassword = Objects.requireNonNullElse(keystorePassword, "");
            maxThreads = Math.max(8, maxThreads);
        }

        @Override
        public String toString() {
            return "Settings[" + address + ", http " + port + ", https " + httpsPort + ", keystore " + keystore
                    + ", keys " + keysDirectory + ", maxThreads " + maxThreads + "]";
        }
    }

    private final ProvisioningHandler handler;
    private final Settings settings;
    private Server server;
    private volatile List<Endpoint> endpoints = List.of();

    public HttpProvisioningServer(ProvisioningFiles files, Settings settings) {
        this(new ProvisioningHandler(files), settings);
    }

    public HttpProvisioningServer(ProvisioningHandler handler, Settings settings) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The bound HTTP port, or -1 when HTTP is not listening. */
    public int httpPort() {
        return listeningPort("http");
    }

    /** The bound HTTPS port, or -1 when HTTPS is not listening. */
    public int httpsPort() {
        return listeningPort("https");
    }

    private int listeningPort(String protocol) {
        for (Endpoint e : endpoints) {
            if (e.protocol().equals(protocol) && e.listening()) {
                return e.port();
            }
        }
        return -1;
    }

    /** Binds and starts what it can; problems end up in {@link #endpoints()} and in one log line each. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(HttpProvisioningServer.class.getClassLoader());
        try {
            server = newServer();
            List<Endpoint> list = new ArrayList<>();
            HttpConfiguration http = httpConfiguration();
            list.add(bind("http", new ServerConnector(server, 1, 1, new HttpConnectionFactory(http)),
                    settings.port()));
            if (settings.httpsPort() >= 0) {
                list.add(https(http));
            }
            if (server.getConnectors().length > 0) {
                try {
                    server.start();
                } catch (Exception e) {
                    LOG.warn("HTTP provisioning server on {} failed to start: {}", settings.address(), cause(e));
                    list.replaceAll(ep -> ep.listening()
                            ? new Endpoint(ep.protocol(), ep.address(), ep.port(), false, "start failed: " + cause(e))
                            : ep);
                    stopQuietly(server);
                }
            }
            endpoints = List.copyOf(list);
            for (Endpoint e : endpoints) {
                if (e.listening()) {
                    LOG.debug("Serving provisioning files on {}://{}:{}", e.protocol(), e.address(), e.port());
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Stops serving; the endpoints then report nothing. */
    public synchronized void stop() {
        if (server != null) {
            stopQuietly(server);
            server = null;
        }
        endpoints = List.of();
    }

    private Server newServer() {
        QueuedThreadPool pool = new QueuedThreadPool(settings.maxThreads(), Math.min(4, settings.maxThreads()));
        pool.setName("pnp-http");
        pool.setReservedThreads(0);
        Server s = new Server(pool);
        s.setHandler(handler);
        s.setErrorHandler(new PlainErrors());
        s.setStopTimeout(1000);
        return s;
    }

    private static HttpConfiguration httpConfiguration() {
        HttpConfiguration c = new HttpConfiguration();
        c.setSendServerVersion(false);
        c.setSendXPoweredBy(false);
        c.setRequestHeaderSize(8192);
        return c;
    }

    private Endpoint https(HttpConfiguration http) {
        ServerKeystore ks;
        try {
            ks = settings.keystore() != null
                    ? ServerKeystore.load(settings.keystore(), settings.keystorePassword())
                    : ServerKeystore.selfSigned(settings.keysDirectory());
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            String where = settings.keystore() != null ? settings.keystore().toString()
                    : settings.keysDirectory().resolve(ServerKeystore.FILE).toString();
            String problem = "no key store: " + cause(e) + " (" + where + ")";
            LOG.warn("HTTPS provisioning is off: cannot use the key store {}: {}; fix 'keystore'/'keystorePassword' "
                    + "in configuration {} or the data directory", where, cause(e), PID);
            return new Endpoint("https", settings.address(), settings.httpsPort(), false, problem);
        }
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(ks.keyStore());
        tls.setKeyStorePassword(ks.password());
        tls.setSniRequired(false);
        HttpConfiguration secure = new HttpConfiguration(http);
        secure.setSecureScheme("https");
        secure.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        ServerConnector connector = new ServerConnector(server, 1, 1,
                new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(secure));
        Endpoint e = bind("https", connector, settings.httpsPort());
        if (e.listening()) {
            LOG.info("HTTPS provisioning on {}:{} presents certificate SHA-256 {}", e.address(), e.port(),
                    ks.fingerprint());
        }
        return e;
    }

    private Endpoint bind(String protocol, ServerConnector connector, int port) {
        connector.setHost(settings.address());
        connector.setPort(port);
        connector.setName(protocol);
        try {
            connector.open();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} provisioning cannot listen on {}:{}: {}; change 'address' or '{}' in configuration {}",
                    protocol.toUpperCase(java.util.Locale.ROOT), settings.address(), port, cause(e),
                    protocol.equals("http") ? "port" : "httpsPort", PID);
            try {
                connector.close();
            } catch (RuntimeException ignored) {
                // the socket never opened
            }
            return new Endpoint(protocol, settings.address(), port, false,
                    "cannot listen on " + settings.address() + ":" + port + ": " + cause(e));
        }
        server.addConnector(connector);
        return new Endpoint(protocol, settings.address(), connector.getLocalPort(), true, "");
    }

    private static void stopQuietly(Server s) {
        try {
            s.stop();
        } catch (Exception e) {
            LOG.debug("Stopping the HTTP provisioning server failed", e);
        }
    }

    /** The innermost message, e.g. "Address already in use". */
    static String cause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        String outer = t.getMessage();
        if (m == null || m.isBlank()) {
            m = c.getClass().getSimpleName();
        }
        return c != t && outer != null && !outer.equals(m) ? m + " (" + outer + ")" : m;
    }

    /** Error pages that say nothing but the status: Jetty's own carry the reason of a refusal. */
    private static final class PlainErrors implements Request.Handler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer i ? i
                    : response.getStatus();
            byte[] body = (status + "\n").getBytes(StandardCharsets.US_ASCII);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
