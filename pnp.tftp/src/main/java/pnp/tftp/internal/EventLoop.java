package pnp.tftp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread. Every loop watches the shared request port; the loop that reads an RRQ opens the
 * transfer's channel and owns the transfer until it ends, so transfers need no locks. Timeouts are found
 * by a scan of the loop's transfers every {@value #SCAN_MILLIS} ms.
 *
 * <p>The receive and send buffers are direct and reused for every packet.
 */
final class EventLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    private static final long SCAN_MILLIS = 50;
    /** Packets read from one channel before the loop looks at the others. */
    private static final int BATCH = 32;

    private final TftpServer server;
    private final DatagramChannel requests;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer out = ByteBuffer.allocateDirect(4 + TftpSettings.MAX_BLOCK_SIZE);
    /** Guarded by confinement to this loop's thread. */
    private final List<Transfer> transfers = new ArrayList<>();
    /** RRQs other loops passed to this one (see {@link TftpServer#serve}). */
    private final Queue<HandedOver> handedOver = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    private record HandedOver(ReadRequest request, String name, InetSocketAddress from) {
    }

    EventLoop(TftpServer server, DatagramChannel requests, String threadName) throws IOException {
        this.server = server;
        this.requests = requests;
        this.selector = Selector.open();
        requests.register(selector, SelectionKey.OP_READ, null);
        this.thread = new Thread(this, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops the loop and waits (bounded) for it to close its transfers. */
    void stop() {
        running = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        long nextScan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SCAN_MILLIS);
        try {
            while (running) {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextScan - System.nanoTime()));
                try {
                    selector.select(this::onReady, wait);
                    for (HandedOver h; (h = handedOver.poll()) != null; ) {
                        server.serve(this, h.request(), h.name(), h.from(), out, true);
                    }
                    long now = System.nanoTime();
                    if (now - nextScan >= 0) {
                        scanTimeouts(now);
                        nextScan = now + TimeUnit.MILLISECONDS.toNanos(SCAN_MILLIS);
                    }
                } catch (IOException | RuntimeException e) {
                    if (running) {
                        LOG.error("TFTP event loop error, continuing", e);
                    }
                }
            }
        } finally {
            for (int i = transfers.size() - 1; i >= 0; i--) {
                end(transfers.get(i));
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing selector", e);
            }
        }
    }

    private void onReady(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment == null) {
            readRequests();
        } else {
            readTransfer((Transfer) attachment);
        }
    }

    private void readRequests() {
        for (int i = 0; i < BATCH; i++) {
            InetSocketAddress from;
            try {
                in.clear();
                from = (InetSocketAddress) requests.receive(in);
            } catch (IOException e) {
                LOG.debug("receiving on the TFTP request port", e);
                return;
            }
            if (from == null) {
                return;
            }
            in.flip();
            server.onRequest(this, in, from, out);
        }
    }

    /** Passes an RRQ to this loop, from any thread; it is served after this loop's next select. */
    void handOver(ReadRequest request, String name, InetSocketAddress from) {
        handedOver.add(new HandedOver(request, name, from));
        selector.wakeup();
    }

    /** Reads what waits on a transfer of this loop's, which may end it. Called on this loop. */
    void readPending(Transfer transfer) {
        if (transfer.slot >= 0) {
            readTransfer(transfer);
        }
    }

    private void readTransfer(Transfer transfer) {
        try {
            for (int i = 0; i < BATCH; i++) {
                in.clear();
                InetSocketAddress from = (InetSocketAddress) transfer.channel.receive(in);
                if (from == null) {
                    return;
                }
                in.flip();
                if (transfer.onPacket(in, from, out, System.nanoTime())) {
                    end(transfer);
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("TFTP transfer of {} to {} failed", transfer.name, transfer.peer, e);
            end(transfer);
        }
    }

    private void scanTimeouts(long now) {
        // backwards: end() moves the last transfer into the freed slot, which was already looked at
        for (int i = transfers.size() - 1; i >= 0; i--) {
            Transfer transfer = transfers.get(i);
            if (now - transfer.deadline >= 0) {
                try {
                    if (transfer.onTimeout(out, now)) {
                        end(transfer);
                    }
                } catch (IOException e) {
                    LOG.debug("TFTP transfer of {} to {} failed", transfer.name, transfer.peer, e);
                    end(transfer);
                }
            }
        }
    }

    /**
     * Takes on a new transfer and sends its first packet. Called on this loop. On failure the transfer is
     * ended (and its channel closed) before the exception is thrown.
     */
    void begin(Transfer transfer) throws IOException {
        transfer.slot = transfers.size();
        transfers.add(transfer);
        try {
            transfer.key = transfer.channel.register(selector, SelectionKey.OP_READ, transfer);
            transfer.start(out, System.nanoTime());
        } catch (IOException e) {
            end(transfer);
            throw e;
        }
    }

    private void end(Transfer transfer) {
        int slot = transfer.slot;
        if (slot < 0) {
            return;
        }
        Transfer last = transfers.remove(transfers.size() - 1);
        if (last != transfer) {
            transfers.set(slot, last);
            last.slot = slot;
        }
        transfer.slot = -1;
        if (transfer.key != null) {
            transfer.key.cancel();
        }
        try {
            transfer.channel.close();
        } catch (IOException e) {
            LOG.debug("closing transfer channel", e);
        }
        server.ended(transfer);
    }
}
