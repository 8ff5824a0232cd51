package pnp.tftp.internal;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TFTP engine: read-only server for RFC 1350 with option negotiation (RFC 2347), {@code blksize}
 * (RFC 2348), {@code tsize} and {@code timeout} (RFC 2349) and {@code windowsize} (RFC 7440). Free of OSGi.
 *
 * <p>Threading: {@link TftpSettings#eventLoops()} selector threads ({@link EventLoop}) share the request
 * port; each transfer lives on the loop that accepted it, on its own channel bound to an ephemeral port.
 * The transfer limits are counted here, shared by the loops. {@link #start}, {@link #reconfigure} and
 * {@link #close} may be called from any thread but not concurrently with each other.
 */
final class TftpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TftpServer.class);
    private static final int REQUEST_RECEIVE_BUFFER = 1 << 20;

    private final TftpFiles files;
    private final ThrottledLog throttle = new ThrottledLog();
    private final AtomicInteger active = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> activePerAddress = new ConcurrentHashMap<>();
    /** Running transfers by client port, to spot a repeated RRQ. */
    private final ConcurrentHashMap<InetSocketAddress, Transfer> byPeer = new ConcurrentHashMap<>();
    /** Client ports and files whose transfer a loop is starting right now. */
    private final Set<Starting> starting = ConcurrentHashMap.newKeySet();
    private final List<EventLoop> loops = new ArrayList<>();
    private volatile TftpSettings settings;
    private DatagramChannel requests;
    private ProtocolFamily family;

    /** A client port asking for a file: the key of {@link #starting}. */
    private record Starting(InetSocketAddress client, String file) {
    }

    TftpServer(TftpFiles files, TftpSettings settings) {
        this.files = files;
        this.settings = settings;
    }

    /**
     * Binds the request port and starts the event loops.
     *
     * @throws IOException when the port cannot be bound (nothing is left open then)
     */
    void start() throws IOException {
        TftpSettings s = settings;
        family = s.address() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        requests = DatagramChannel.open(family);
        try {
            requests.setOption(StandardSocketOptions.SO_RCVBUF, REQUEST_RECEIVE_BUFFER);
            requests.bind(new InetSocketAddress(s.address(), s.port()));
            requests.configureBlocking(false);
            for (int i = 0; i < s.eventLoops(); i++) {
                loops.add(new EventLoop(this, requests, "pnp-tftp-" + (i + 1)));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        loops.forEach(EventLoop::start);
        LOG.debug("TFTP server listening on {} with {} event loops", localAddress(), loops.size());
    }

    /** The bound request address, or {@code null} when not started. */
    InetSocketAddress localAddress() {
        try {
            return requests == null ? null : (InetSocketAddress) requests.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Applies new limits and timeouts to transfers that start from now on. */
    void reconfigure(TftpSettings newSettings) {
        if (settings.bindsDifferently(newSettings)) {
            throw new IllegalArgumentException("address, port or loops changed: start a new server");
        }
        settings = newSettings;
    }

    /** Transfers running now. */
    int activeTransfers() {
        return active.get();
    }

    @Override
    public void close() {
        loops.forEach(EventLoop::stop);
        loops.clear();
        if (requests != null) {
            try {
                requests.close();
            } catch (IOException e) {
                LOG.debug("closing TFTP request port", e);
            }
        }
    }

    /** Handles one packet that arrived on the request port. Called on {@code loop}. */
    void onRequest(EventLoop loop, ByteBuffer in, InetSocketAddress from, ByteBuffer out) {
        if (from.getPort() == 0) {
            return;
        }
        if (in.limit() < 2) {
            bad(from, "packet of " + in.limit() + " bytes");
            return;
        }
        int opcode = in.getShort(0) & 0xffff;
        switch (opcode) {
            case Packets.RRQ -> onReadRequest(loop, in, from, out);
            case Packets.WRQ -> refuse(from, out,
                    new TftpRefusal(Packets.ERR_ACCESS_VIOLATION, "Access violation", "write request refused"));
            case Packets.ERROR -> bad(from, "ERROR packet on the request port");
            case Packets.DATA, Packets.ACK, Packets.OACK -> refuse(from, out, new TftpRefusal(
                    Packets.ERR_UNKNOWN_TID, "Unknown transfer ID", "opcode " + opcode + " on the request port"));
            default -> refuse(from, out,
                    new TftpRefusal(Packets.ERR_ILLEGAL_OPERATION, "Illegal TFTP operation", "opcode " + opcode));
        }
    }

    private void onReadRequest(EventLoop loop, ByteBuffer in, InetSocketAddress from, ByteBuffer out) {
        ReadRequest request;
        String name;
        try {
            request = ReadRequest.parse(in);
            name = ReadRequest.storeName(request.fileName());
        } catch (TftpRefusal refusal) {
            refuse(from, out, refusal);
            return;
        }
        serve(loop, request, name, from, out, false);
    }

    /**
     * Starts the transfer an RRQ asks for, unless it repeats the request of a transfer that is starting or
     * running. Called on {@code loop}; {@code handedOver} when another loop passed the request on (see
     * {@link #acquireAfterFinalAcks}).
     */
    void serve(EventLoop loop, ReadRequest request, String name, InetSocketAddress from, ByteBuffer out,
            boolean handedOver) {
        // The loops share the request port: a client's repeated RRQ can reach another loop while the
        // first is still starting its transfer, so the start is reserved per client port and file.
        Starting key = new Starting(from, name);
        if (!starting.add(key)) {
            LOG.debug("TFTP: repeated request for {} from {} ignored, its transfer is starting", name, from);
            return;
        }
        TftpSettings s = settings;
        InetAddress client = from.getAddress();
        boolean overLimit;
        try {
            Transfer running = byPeer.get(from);
            if (running != null && !running.acknowledged && running.name.equals(name)) {
                running.clientWaiting();
                LOG.debug("TFTP: repeated request for {} from {} ignored, its transfer is running", name, from);
                return;
            }
            overLimit = !acquire(client, s) && !acquireAfterFinalAcks(loop, client, s);
            if (!overLimit) {
                startTransfer(loop, request, name, from, out, s);
            }
        } finally {
            starting.remove(key);
        }
        if (overLimit) {
            // Decided again once, after the reservation is gone (or it would be taken for a repeat): on a loop
            // that owns another transfer of this client, which reads it first; or on this loop, in case a
            // transfer ended between the limit check and the search for its owner.
            if (!handedOver) {
                EventLoop other = otherOwner(loop, client);
                (other != null ? other : loop).handOver(request, name, from);
            } else {
                refuse(from, out, new TftpRefusal(Packets.ERR_NOT_DEFINED, "Too many transfers",
                        "transfer limit reached (" + s.maxTransfers() + " in total, " + s.maxTransfersPerAddress()
                                + " per address: configuration pnp.tftp)"));
            }
        }
    }

    /** Starts a transfer for which a slot was taken; the slot is given back if it does not start. */
    private void startTransfer(EventLoop loop, ReadRequest request, String name, InetSocketAddress from,
            ByteBuffer out, TftpSettings s) {
        InetAddress client = from.getAddress();
        boolean begun = false;
        try {
            TftpFiles.Answer answer = files.find(name, client);
            if (answer instanceof TftpFiles.Missing missing) {
                LOG.debug("TFTP: {} asked for {}: not found ({})", from, name, missing.reason());
                send(from, Packets.error(out, Packets.ERR_FILE_NOT_FOUND, "File not found"));
                return;
            }
            TftpFiles.Download download = (TftpFiles.Download) answer;
            long size = request.netascii() ? Transfer.netasciiLength(download.content())
                    : download.content().length;
            OptionNegotiation options = OptionNegotiation.negotiate(request.options(), size, s);
            DatagramChannel channel = DatagramChannel.open(family);
            try {
                channel.configureBlocking(false);
                channel.bind(new InetSocketAddress(s.address(), 0));
                // a window goes out in one burst: room for all of it, or its end waits for the next scan
                int window = options.windowSize() * (options.blockSize() + 4);
                if (channel.getOption(StandardSocketOptions.SO_SNDBUF) < window) {
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, window);
                }
                Transfer transfer = new Transfer(channel, from, name, download.content(), request.netascii(),
                        options, s.retries(), download.delivered());
                transfer.owner = loop;
                byPeer.put(from, transfer);
                begun = true;
                loop.begin(transfer);
                LOG.debug("TFTP: sending {} ({} bytes, blksize {}, window {}) to {}", name, transfer.size(),
                        options.blockSize(), options.windowSize(), from);
            } catch (IOException e) {
                if (!begun) {
                    channel.close();
                }
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (throttle.permits(client)) {
                LOG.warn("TFTP: cannot serve {} to {}: {}", name, from, e.toString());
            }
            send(from, Packets.error(out, Packets.ERR_NOT_DEFINED, "Internal error"));
        } finally {
            if (!begun) {
                release(client);
            }
        }
    }

    /** Called by the owning loop once a transfer's channel is closed. */
    void ended(Transfer transfer) {
        // slot first: a loop that no longer finds the transfer (and so cannot pass a request on to its
        // owner, see serve) must find its slot free
        release(transfer.peer.getAddress());
        byPeer.remove(transfer.peer, transfer);
        if (transfer.complete() || transfer.presumedDelivered()) {
            LOG.debug("TFTP: sent {} to {} ({})", transfer.name, transfer.peer, transfer.ending());
            try {
                transfer.delivered.run();
            } catch (RuntimeException e) {
                LOG.warn("TFTP: recording the delivery of {} to {} failed", transfer.name, transfer.peer, e);
            }
        } else {
            LOG.debug("TFTP: transfer of {} to {} ended: {}", transfer.name, transfer.peer, transfer.ending());
        }
    }

    /**
     * Takes a slot for {@code client} after reading what waits on the client's transfers owned by
     * {@code loop}. A client that downloads one file after another sends its final ACK (to the transfer's
     * port) just before the next RRQ (to the request port); the loop reading the RRQ may get to it before
     * anyone reads that ACK, and the slot the ACK frees would still look taken. Reading the client's
     * transfers first ends a transfer whose final ACK has arrived, and frees its slot, before the limit is
     * applied. Called on {@code loop}, which owns the transfers it reads.
     */
    private boolean acquireAfterFinalAcks(EventLoop loop, InetAddress client, TftpSettings s) {
        boolean read = false;
        for (Transfer t : byPeer.values()) {
            if (t.owner == loop && t.peer.getAddress().equals(client)) {
                loop.readPending(t);
                read = true;
            }
        }
        return read && acquire(client, s);
    }

    /**
     * A loop other than {@code loop} that owns a transfer of {@code client}, or {@code null}.
     */
    private EventLoop otherOwner(EventLoop loop, InetAddress client) {
        for (Transfer t : byPeer.values()) {
            EventLoop owner = t.owner;
            if (owner != null && owner != loop && t.peer.getAddress().equals(client)) {
                return owner;
            }
        }
        return null;
    }

    private boolean acquire(InetAddress client, TftpSettings s) {
        if (active.incrementAndGet() > s.maxTransfers()) {
            active.decrementAndGet();
            return false;
        }
        boolean[] granted = {false};
        activePerAddress.compute(client, (a, count) -> {
            int n = count == null ? 0 : count;
            if (n >= s.maxTransfersPerAddress()) {
                return count;
            }
            granted[0] = true;
            return n + 1;
        });
        if (!granted[0]) {
            active.decrementAndGet();
        }
        return granted[0];
    }

    private void release(InetAddress client) {
        activePerAddress.computeIfPresent(client, (a, count) -> count <= 1 ? null : count - 1);
        active.decrementAndGet();
    }

    private void refuse(InetSocketAddress from, ByteBuffer out, TftpRefusal refusal) {
        bad(from, refusal.getMessage() + ", answered error " + refusal.code());
        send(from, Packets.error(out, refusal.code(), refusal.clientMessage()));
    }

    private void bad(InetSocketAddress from, String reason) {
        if (throttle.permits(from.getAddress())) {
            LOG.info("TFTP: refused a request from {}: {} (further lines about this address are held back for {} s)",
                    from, reason, ThrottledLog.INTERVAL_SECONDS);
        }
    }

    private void send(InetSocketAddress to, ByteBuffer packet) {
        try {
            requests.send(packet, to);
        } catch (IOException e) {
            LOG.debug("TFTP: cannot answer {}", to, e);
        }
    }
}
