package pnp.core.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import pnp.api.PhoneSighting;
import pnp.api.ServerStatus;

/**
 * Where a phone finds its files: the host it reached us on, and the scheme and port of whichever of
 * our servers is listening (HTTPS before HTTP; TFTP when it runs), as {@code pnp.http} and
 * {@code pnp.tftp} report them through {@link ServerStatus}.
 *
 * <p>Threading: the servers are added and removed on SCR's threads, read on the worker.
 */
final class ProvisioningUrls {

    private final List<ServerStatus> servers = new CopyOnWriteArrayList<>();

    void addServer(ServerStatus s) {
        servers.add(s);
    }

    void removeServer(ServerStatus s) {
        servers.remove(s);
    }

    /** Our address on the interface the phone's SUBSCRIBE arrived on (else this host's). */
    static String host(PhoneSighting s) {
        if (!s.localAddress().isEmpty()) {
            return s.localAddress();
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    /**
     * The base of the phones' HTTP folders, ending in {@code /provisioning/}.
     *
     * @param fallbackPort the HTTP port when {@code pnp.http} reports none (not started yet)
     */
    String httpBase(String host, int fallbackPort) {
        ServerStatus.Endpoint https = endpoint("https");
        if (https != null) {
            return "https://" + hostPort(host, https.port(), 443) + "/provisioning/";
        }
        ServerStatus.Endpoint http = endpoint("http");
        int port = http != null ? http.port() : fallbackPort;
        return "http://" + hostPort(host, port, 80) + "/provisioning/";
    }

    /** {@code tftp://host[:port]}, empty when no TFTP server listens. */
    String tftpBase(String host) {
        ServerStatus.Endpoint tftp = endpoint("tftp");
        return tftp == null ? "" : "tftp://" + hostPort(host, tftp.port(), 69);
    }

    private ServerStatus.Endpoint endpoint(String protocol) {
        for (ServerStatus s : servers) {
            for (ServerStatus.Endpoint e : s.endpoints()) {
                if (e.protocol().equals(protocol) && e.listening()) {
                    return e;
                }
            }
        }
        return null;
    }

    static String hostPort(String host, int port, int defaultPort) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return port == defaultPort ? h : h + ":" + port;
    }
}
