package pnp.api;

import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Reports what a server bundle listens on, so the console can show why something is not working
 * (a port that failed to bind, an interface that could not join the multicast group). Each server
 * ({@code pnp.sip}, {@code pnp.http}, {@code pnp.tftp}) registers one as a whiteboard service.
 *
 * <p>Threading: {@link #endpoints()} is called from any thread and must return quickly.
 */
@ConsumerType
public interface ServerStatus {

    /** The current endpoints, bound or not. */
    List<Endpoint> endpoints();

    /**
     * One socket a server wants to listen on.
     *
     * @param protocol e.g. {@code sip/udp}, {@code sip/multicast}, {@code http}, {@code https}, {@code tftp}
     * @param address the local address (or group) and interface, as text
     * @param port the port
     * @param listening whether it is bound and serving
     * @param problem why not, empty when listening
     */
    record Endpoint(String protocol, String address, int port, boolean listening, String problem) {
        public Endpoint {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            problem = Objects.requireNonNullElse(problem, "");
        }
    }
}
