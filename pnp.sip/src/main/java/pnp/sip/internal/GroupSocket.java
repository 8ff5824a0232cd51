package pnp.sip.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.ServerStatus.Endpoint;

/**
 * The PnP multicast group: a socket of ours with SO_REUSEADDR bound to group:port (JAIN-SIP's own multicast
 * listening point binds the wildcard and joins on the default interface only), joined on each chosen
 * interface and re-joined every {@code rescanSeconds} as interfaces come and go.
 *
 * <p>Threads: {@code pnp-sip-multicast} receives and hands each datagram, with the interface it arrived on,
 * to the {@link Receiver}; {@code pnp-sip-rescan} joins and leaves. Nothing here answers: answers go out
 * through the stack's socket.
 */
final class GroupSocket {

    /** Takes one datagram from the group; called on the receiver thread, must not throw. */
    interface Receiver {
        /**
         * @param data the datagram (a buffer the next receive reuses: copy what is kept)
         * @param interfaceName the interface it arrived on, empty when unknown
         * @param localAddress our address on that interface, or null when unknown
         */
        void datagram(byte[] data, int length, InetAddress source, int port, String interfaceName,
                String localAddress);
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupSocket.class);
    private final String group;
    private final int port;
    private final List<String> interfaceNames;
    private final Receiver receiver;
    private final RateLimitedLog receiveProblems = new RateLimitedLog(LOG, 10_000);
    private final Map<String, NetworkInterface> joined = new ConcurrentHashMap<>();
    private final Map<String, String> joinProblems = new ConcurrentHashMap<>();
    private final List<InterfaceAddress> interfaceAddresses = new CopyOnWriteArrayList<>();
    private volatile String problem = "";
    private volatile boolean running;
    private MulticastSocket socket;
    private Thread thread;
    private ScheduledExecutorService rescan;

    /** @param interfaceNames the interfaces to join on; empty for every one up and multicast-capable */
    GroupSocket(String group, int port, List<String> interfaceNames, Receiver receiver) {
        this.group = group;
        this.port = port;
        this.interfaceNames = interfaceNames;
        this.receiver = receiver;
    }

    /** Binds, joins and starts receiving; a failure is logged and reported in {@link #endpoints}. */
    void start(List<NetworkInterface> chosen, int rescanSeconds) {
        running = true;
        try {
            InetAddress groupAddress = InetAddress.getByName(group);
            MulticastSocket s = new MulticastSocket(null);
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(groupAddress, port));
            s.setSoTimeout(1000);
            s.setReceiveBufferSize(SipEndpoint.RECEIVE_BUFFER_BYTES);
            socket = s;
            join(chosen);
            thread = new Thread(this::receive, "pnp-sip-multicast");
            thread.setDaemon(true);
            thread.start();
        } catch (IOException e) {
            problem = e.toString();
            LOG.error("Cannot bind the PnP multicast group {}:{}: {}. Phones booting on the LAN will not be heard; "
                    + "check the pnp.sip configuration (address must not be 0.0.0.0 when the group shares the port).",
                    group, port, e.toString());
            return;
        }
        rescan = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pnp-sip-rescan");
            t.setDaemon(true);
            return t;
        });
        int every = Math.max(1, rescanSeconds);
        rescan.scheduleWithFixedDelay(() -> join(chosenInterfaces()), every, every, TimeUnit.SECONDS);
    }

    void stop() {
        running = false;
        if (rescan != null) {
            rescan.shutdownNow();
        }
        if (socket != null) {
            socket.close();
        }
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    List<Endpoint> endpoints() {
        List<Endpoint> list = new ArrayList<>();
        if (!problem.isEmpty()) {
            list.add(new Endpoint("sip/multicast", group, port, false, problem));
        }
        joined.keySet().forEach(n -> list.add(new Endpoint("sip/multicast", group + " on " + n, port, true, "")));
        joinProblems.forEach((n, p) -> list.add(new Endpoint("sip/multicast", group + " on " + n, port, false, p)));
        return list;
    }

    private List<NetworkInterface> chosenInterfaces() {
        return chosenInterfaces(interfaceNames);
    }

    /** The interfaces up, multicast-capable, with an IPv4 address and, if names are given, named so. */
    static List<NetworkInterface> chosenInterfaces(List<String> interfaceNames) {
        List<NetworkInterface> chosen = new ArrayList<>();
        try {
            for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
                if (ni.isUp() && ni.supportsMulticast()
                        && (interfaceNames.isEmpty() || interfaceNames.contains(ni.getName()))
                        && ni.inetAddresses().anyMatch(a -> a instanceof Inet4Address)) {
                    chosen.add(ni);
                }
            }
        } catch (SocketException e) {
            LOG.warn("Cannot list network interfaces: {}", e.toString());
        }
        return chosen;
    }

    /** The first IPv4 address of the interfaces, not loopback when there is another; 127.0.0.1 without any. */
    static String firstAddress(List<NetworkInterface> chosen) {
        Optional<String> nonLoopback = Optional.empty();
        Optional<String> loopback = Optional.empty();
        for (NetworkInterface ni : chosen) {
            for (InetAddress a : ni.inetAddresses().toList()) {
                if (!(a instanceof Inet4Address)) {
                    continue;
                }
                if (a.isLoopbackAddress()) {
                    loopback = loopback.or(() -> Optional.of(a.getHostAddress()));
                } else {
                    nonLoopback = nonLoopback.or(() -> Optional.of(a.getHostAddress()));
                }
            }
        }
        Optional<String> fallback = loopback;
        return nonLoopback.or(() -> fallback).orElse("127.0.0.1");
    }

    private synchronized void join(List<NetworkInterface> chosen) {
        if (socket == null || socket.isClosed()) {
            return;
        }
        InetSocketAddress groupAddress = new InetSocketAddress(group, port);
        Map<String, NetworkInterface> now = new LinkedHashMap<>();
        chosen.forEach(ni -> now.put(ni.getName(), ni));
        for (Iterator<Map.Entry<String, NetworkInterface>> it = joined.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, NetworkInterface> e = it.next();
            if (!now.containsKey(e.getKey())) {
                try {
                    socket.leaveGroup(groupAddress, e.getValue());
                } catch (IOException ex) {
                    LOG.debug("Leaving {} on {}: {}", group, e.getKey(), ex.toString());
                }
                it.remove();
                LOG.info("Interface {} went away: left {}", e.getKey(), group);
            }
        }
        for (NetworkInterface ni : now.values()) {
            if (joined.containsKey(ni.getName())) {
                continue;
            }
            try {
                socket.joinGroup(groupAddress, ni);
                joined.put(ni.getName(), ni);
                joinProblems.remove(ni.getName());
                LOG.info("Listening for PnP SUBSCRIBEs on {}:{} via {}", group, port, ni.getName());
            } catch (IOException e) {
                if (joinProblems.put(ni.getName(), e.toString()) == null) {
                    LOG.warn("Cannot join {} on interface {}: {}", group, ni.getName(), e.toString());
                }
            }
        }
        List<InterfaceAddress> addrs = new ArrayList<>();
        joined.values().forEach(ni -> addrs.addAll(ni.getInterfaceAddresses()));
        interfaceAddresses.clear();
        interfaceAddresses.addAll(addrs);
    }

    private void receive() {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (running) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (running) {
                    receiveProblems.warn("Multicast receive failed: {}", e.toString());
                }
                continue;
            }
            InetAddress from = packet.getAddress();
            InterfaceAddress via = interfaceFor(from);
            receiver.datagram(packet.getData(), packet.getLength(), from, packet.getPort(),
                    via == null ? "" : nameOf(via), via == null ? null : via.getAddress().getHostAddress());
        }
    }

    private InterfaceAddress interfaceFor(InetAddress source) {
        byte[] src = source.getAddress();
        InterfaceAddress fallback = null;
        for (InterfaceAddress ia : interfaceAddresses) {
            byte[] a = ia.getAddress().getAddress();
            if (a.length != src.length) {
                continue;
            }
            if (fallback == null && ia.getAddress() instanceof Inet4Address) {
                fallback = ia;
            }
            if (sameSubnet(a, src, ia.getNetworkPrefixLength())) {
                return ia;
            }
        }
        return fallback;
    }

    private String nameOf(InterfaceAddress ia) {
        for (NetworkInterface ni : joined.values()) {
            if (ni.getInterfaceAddresses().contains(ia)) {
                return ni.getName();
            }
        }
        return "";
    }

    static boolean sameSubnet(byte[] a, byte[] b, int prefix) {
        for (int i = 0; i < a.length && prefix > 0; i++, prefix -= 8) {
            int mask = prefix >= 8 ? 0xff : (0xff << (8 - prefix)) & 0xff;
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
