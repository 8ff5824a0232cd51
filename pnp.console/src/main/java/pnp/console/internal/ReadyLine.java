package pnp.console.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.ServerStatus;
import pnp.api.ServerStatus.Endpoint;

/**
 * The one line an admin looks for after starting the server: it is up, where the Phones page is, on
 * the first start the generated console password, and what listens where. Printed once, when the
 * framework has started every bundle of its start-up ({@link FrameworkEvent#STARTED}, or the
 * {@link FrameworkEvent#STARTLEVEL_CHANGED} queued behind it), also when this component comes later
 * (the bundle updated in a running framework).
 *
 * <p>The console's address comes from the HTTP runtime's {@code osgi.http.endpoint} (looked up by
 * name, so this bundle needs no HTTP whiteboard API), else from the framework properties Felix HTTP
 * reads.
 *
 * <p>Threading: the framework listener and activation may race; {@link #printed} lets one print.
 */
@Component(immediate = true)
public class ReadyLine implements FrameworkListener {

    static final String RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    static final String CONSOLE_PATH = "/system/console/" + PhonesPlugin.LABEL;
    private static final Logger LOG = LoggerFactory.getLogger(ReadyLine.class);

    private final BundleContext context;
    private final ConsoleCredentials credentials;
    private final AtomicBoolean printed = new AtomicBoolean();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<ServerStatus> servers = List.of();

    @Activate
    public ReadyLine(BundleContext context, @Reference ConsoleCredentials credentials) {
        this.context = context;
        this.credentials = credentials;
        context.addFrameworkListener(this);
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        if (framework.getState() == Bundle.ACTIVE) {
            // ACTIVE comes before the start level is raised, so this may be the first start still starting
            // bundles. Asking for the current level again queues behind that: its STARTLEVEL_CHANGED comes
            // when every bundle of the start-up has started, or at once in a framework long running.
            FrameworkStartLevel levels = framework.adapt(FrameworkStartLevel.class);
            levels.setStartLevel(levels.getStartLevel(), this);
        }
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(this);
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED || event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
            print();
        }
    }

    private void print() {
        if (!printed.compareAndSet(false, true)) {
            return;
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (ServerStatus s : servers) {
            endpoints.addAll(s.endpoints());
        }
        LOG.info(line(consoleBase() + CONSOLE_PATH, credentials.takeGenerated(), endpoints));
    }

    /** {@code http://host:port} of the web console, without a trailing slash. */
    private String consoleBase() {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(RUNTIME, null);
            if (refs != null) {
                for (ServiceReference<?> ref : refs) {
                    Optional<String> endpoint = first(ref.getProperty("osgi.http.endpoint"));
                    if (endpoint.isPresent() && endpoint.get().startsWith("http")) {
                        return endpoint.get().replaceAll("/+$", "");
                    }
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException("no filter given", e);
        }
        String host = Optional.ofNullable(context.getProperty("org.apache.felix.http.host")).orElse("127.0.0.1");
        String port = Optional.ofNullable(context.getProperty("org.osgi.service.http.port")).orElse("8080");
        return "http://" + host + ":" + port;
    }

    private static Optional<String> first(Object property) {
        if (property instanceof String s) {
            return Optional.of(s);
        }
        if (property instanceof String[] a && a.length > 0) {
            return Optional.of(a[0]);
        }
        if (property instanceof Iterable<?> i && i.iterator().hasNext()) {
            return Optional.of(String.valueOf(i.iterator().next()));
        }
        return Optional.empty();
    }

    /** The ready line itself. */
    static String line(String phonesPage, Optional<String> credentials, List<Endpoint> endpoints) {
        StringBuilder b = new StringBuilder("PnP server ready. Phones page: ").append(phonesPage);
        credentials.ifPresent(c -> b.append(" with ").append(c));
        List<String> up = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (Endpoint e : endpoints) {
            String where = e.address().contains(" ")
                    ? e.address().replaceFirst(" ", ":" + e.port() + " ")
                    : e.address() + ":" + e.port();
            if (e.listening()) {
                up.add(e.protocol() + " " + where);
            } else {
                down.add(e.protocol() + " " + where + (e.problem().isEmpty() ? "" : " (" + e.problem() + ")"));
            }
        }
        b.append(". Listening: ").append(up.isEmpty() ? "nothing" : String.join(", ", up));
        if (!down.isEmpty()) {
            b.append(". NOT listening: ").append(String.join(", ", down));
        }
        return b.append('.').toString();
    }
}
