package pnp.simulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps finished phones' SIP sockets open for a while (like a UAS transaction's timer J) on one thread
 * with a selector, answering NOTIFY retransmissions 200: a server whose first 200 got lost retransmits
 * its NOTIFY, and a phone that is still applying its file answers it. Then closes them.
 */
final class Lingerer implements AutoCloseable {

    private record Entry(DatagramChannel channel, long until, String toTag) {
    }

    private final Selector selector;
    private final Queue<Entry> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger lingering = new AtomicInteger();
    private final int capacity;
    private final Thread thread;
    private volatile boolean finishing;

    /** @param capacity sockets kept open at most (each is a file descriptor); past it, phones close at once */
    Lingerer(int capacity) throws IOException {
        this.capacity = capacity;
        selector = Selector.open();
        thread = new Thread(this::loop, "linger");
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes over a finished phone's channel until {@code until} ({@link System#nanoTime()}), then closes it. */
    void add(DatagramChannel channel, long until, String toTag) {
        if (lingering.incrementAndGet() > capacity) {
            lingering.decrementAndGet();
            closeQuietly(channel);
            return;
        }
        incoming.add(new Entry(channel, until, toTag));
        selector.wakeup();
    }

    /** NOTIFYs answered after their phone had finished. */
    int answered() {
        return answered.get();
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
            while (true) {
                for (Entry e; (e = incoming.poll()) != null;) {
                    try {
                        e.channel().configureBlocking(false);
                        e.channel().register(selector, SelectionKey.OP_READ, e);
                    } catch (IOException | RuntimeException ex) {
                        release(e.channel());
                    }
                }
                selector.select(50);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    answer(key, buf);
                }
                long now = System.nanoTime();
                for (SelectionKey key : selector.keys()) {
                    Entry e = (Entry) key.attachment();
                    if (now - e.until() >= 0) {
                        key.cancel();
                        release(e.channel());
                    }
                }
                if (finishing && incoming.isEmpty() && selector.keys().isEmpty()) {
                    return;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the selector broke: close what is left
        } finally {
            for (SelectionKey key : selector.keys()) {
                release(((Entry) key.attachment()).channel());
            }
            for (Entry e; (e = incoming.poll()) != null;) {
                release(e.channel());
            }
            closeQuietly(selector);
        }
    }

    private void answer(SelectionKey key, ByteBuffer buf) {
        Entry e = (Entry) key.attachment();
        try {
            for (int n = 0; n < 100; n++) {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) e.channel().receive(buf);
                if (from == null) {
                    return;
                }
                SipMessage m;
                try {
                    m = SipMessage.parse(buf.array(), 0, buf.position());
                } catch (IllegalArgumentException ex) {
                    continue;
                }
                if (m.isRequest() && (m.method().equals("NOTIFY") || m.method().equals("OPTIONS"))) {
                    e.channel().send(ByteBuffer.wrap(Sip.response(m, 200, "OK", e.toTag())),
                            Sip.responseTarget(m, from));
                    if (m.method().equals("NOTIFY")) {
                        answered.incrementAndGet();
                    }
                }
            }
        } catch (ClosedChannelException ex) {
            key.cancel();
        } catch (IOException ex) {
            // an ICMP error or the like: the phone would not care either
        }
    }

    /**
     * Lets the lingering phones run out their time (at most {@code maxWaitMillis}), then closes the rest.
     */
    void finish(long maxWaitMillis) {
        finishing = true;
        selector.wakeup();
        try {
            thread.join(Math.max(1, maxWaitMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            selector.wakeup();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        finish(0);
    }

    private void release(DatagramChannel c) {
        if (c.isOpen()) {
            closeQuietly(c);
            lingering.decrementAndGet();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }
}
