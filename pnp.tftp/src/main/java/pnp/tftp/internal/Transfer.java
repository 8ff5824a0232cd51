package pnp.tftp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.TimeUnit;

/**
 * One read transfer: sends a file's blocks from its own port and follows the client's ACKs.
 *
 * <p>Sending: a sliding window of {@code windowSize} blocks (1 without RFC 7440). A new ACK moves the window
 * and sends it from the block after the acknowledged one: the blocks that became allowed, and again those
 * after a gap when the ACK was short of the last block sent. An ACK already seen, or one for a block not yet
 * sent, is ignored, so a duplicate ACK never causes duplicate data (the Sorcerer's Apprentice bug). Otherwise
 * only the timeout resends: the OACK, or every block from the oldest unacknowledged one (go-back-N), at most
 * {@code retries} times in a row, with the interval doubling while the client stays silent (see
 * {@link #backoff()}). Block numbers are counted in a {@code long} and put on the wire modulo 65536 (they wrap
 * to 0).
 *
 * <p>The final ACK may be lost: the client has its file and is gone, and nobody answers the resent last block
 * (RFC 1350: "the transfer may still have been completed successfully"). A transfer given up with every block
 * but the last acknowledged, whose client showed no sign of still waiting after the last block was last sent
 * (no repeated ACK of the block before it, no repeated RRQ), is therefore {@link #presumedDelivered()}: a
 * client that lacked the block would have repeated itself on its own timer.
 *
 * <p>Netascii is encoded on the fly (LF → CR LF, CR → CR NUL); to resend a block the encoder state at the
 * start of every block in the window is kept in a ring.
 *
 * <p>Threading: confined to the event loop that created it, except {@link #acknowledged}, {@link #owner} and
 * {@link #clientWaiting}.
 */
final class Transfer {

    private static final int NO_CARRY = -1;
    /** Resend intervals double while the client stays silent, up to this (or the timeout, if longer). */
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(8);

    final DatagramChannel channel;
    final InetSocketAddress peer;
    final String name;
    final Runnable delivered;
    /** Set once the client acknowledged anything: a repeated RRQ after that is a new request. */
    volatile boolean acknowledged;
    /** The client showed it still waits for data (repeated RRQ or ACK) since the last block was last sent. */
    private volatile boolean waitingSinceLastBlock;
    /**
     * When the event loop next calls {@link #onTimeout} ({@link System#nanoTime()} scale): the retransmission
     * {@link #timer}, or at once while a packet waits for room in the send buffer.
     */
    long deadline;
    /** The event loop that owns this transfer; set before the transfer is shared, read by other loops. */
    volatile EventLoop owner;
    /** This transfer's index in its event loop's list. */
    int slot = -1;
    SelectionKey key;

    private final byte[] content;
    private final boolean netascii;
    private final long size;
    private final int blockSize;
    private final int windowSize;
    private final long timeoutNanos;
    private final int maxRetries;
    private final long lastBlock;
    private final int[] ringSource;
    private final int[] ringCarry;

    private byte[] oack;
    /** The oldest block not yet acknowledged. */
    private long base = 1;
    /** The next block to send. */
    private long next = 1;
    private int retries;
    /** When the OACK or the window is resent unless acknowledged. */
    private long timer;
    /** The send buffer was full: the OACK, or the window from {@link #next} on, is not sent yet. */
    private boolean stalled;
    private boolean complete;
    private boolean presumed;
    private String ending = "running";

    Transfer(DatagramChannel channel, InetSocketAddress peer, String name, byte[] content, boolean netascii,
            OptionNegotiation options, int maxRetries, Runnable delivered) {
        this.channel = channel;
        this.peer = peer;
        this.name = name;
        this.content = content;
        this.netascii = netascii;
        this.size = netascii ? netasciiLength(content) : content.length;
        this.blockSize = options.blockSize();
        this.windowSize = options.windowSize();
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
        this.maxRetries = maxRetries;
        this.oack = options.oack();
        this.delivered = delivered;
        this.lastBlock = size / blockSize + 1;
        if (netascii) {
            ringSource = new int[windowSize + 1];
            ringCarry = new int[windowSize + 1];
            ringCarry[1 % ringCarry.length] = NO_CARRY;
        } else {
            ringSource = null;
            ringCarry = null;
        }
    }

    /** The number of bytes the file takes on the wire in netascii. */
    static long netasciiLength(byte[] content) {
        long length = content.length;
        for (byte b : content) {
            if (b == '\n' || b == '\r') {
                length++;
            }
        }
        return length;
    }

    /** Sends the OACK, or the first window when no option was granted. */
    void start(ByteBuffer out, long now) throws IOException {
        send(out);
        schedule(now, timeoutNanos);
    }

    /**
     * Handles one packet that arrived on this transfer's port.
     *
     * @param in the packet, position 0, limit its length
     * @return whether the transfer is over
     */
    boolean onPacket(ByteBuffer in, InetSocketAddress from, ByteBuffer out, long now) throws IOException {
        int opcode = in.limit() < 2 ? -1 : in.getShort(0) & 0xffff;
        if (!peer.equals(from)) {
            // RFC 1350: an ERROR is never answered, or two confused hosts could answer each other forever
            if (from.getPort() != 0 && opcode != Packets.ERROR) {
                channel.send(Packets.error(out, Packets.ERR_UNKNOWN_TID, "Unknown transfer ID"), from);
            }
            return false;
        }
        if (in.limit() < 4) {
            return false;
        }
        if (opcode == Packets.ERROR) {
            ending = "client sent error " + (in.getShort(2) & 0xffff);
            return true;
        }
        if (opcode != Packets.ACK) {
            return false;
        }
        int block = in.getShort(2) & 0xffff;
        if (oack != null) {
            if (block == 0) {
                oack = null;
                acknowledged = true;
                retries = 0;
                send(out);
                schedule(now, timeoutNanos);
            }
            return false;
        }
        long acked = base - 1;
        int advance = (block - (int) acked) & 0xffff;
        if (advance == 0) {
            clientWaiting();
            return false;
        }
        if (advance > next - 1 - acked) {
            return false;
        }
        base = acked + advance + 1;
        retries = 0;
        acknowledged = true;
        if (base > lastBlock) {
            complete = true;
            ending = "complete";
            return true;
        }
        // RFC 7440: an ACK short of the last block sent means the client lost the block after it and drops
        // everything behind the gap; waiting for the timeout would only stall the transfer
        next = base;
        send(out);
        schedule(now, timeoutNanos);
        return false;
    }

    /**
     * Resends after a timeout.
     *
     * @return whether the transfer is given up
     */
    boolean onTimeout(ByteBuffer out, long now) throws IOException {
        if (stalled && now - timer < 0) {
            // Nothing was lost, the send buffer was full: carry on where sending stopped. Not a retry, and the
            // timer keeps running, so a buffer that never drains still ends the transfer.
            send(out);
            deadline = stalled ? now : timer;
            return false;
        }
        if (++retries > maxRetries) {
            presumed = oack == null && base == lastBlock && next > lastBlock && !waitingSinceLastBlock;
            ending = presumed ? "final ACK not heard after " + maxRetries + " retries, client quiet: presumed delivered"
                    : "no answer after " + maxRetries + " retries";
            return true;
        }
        if (oack == null) {
            next = base;
        }
        send(out);
        schedule(now, backoff());
        return false;
    }

    /** Starts the retransmission timer; a packet left unsent for want of buffer space goes at the next scan. */
    private void schedule(long now, long wait) {
        timer = now + wait;
        deadline = stalled ? now : timer;
    }

    /**
     * The wait after the {@code retries}-th resend: the timeout for the first resend, then doubling, at most
     * 8 s (or the timeout, if longer): with the defaults the resends go out 1, 2, 4, 8 and 16 s after the
     * first send and the transfer is given up at 24 s. The early resends keep clients with a short retry
     * budget alive (curl with a 1 s timeout tries 3 times); the late, longer gaps let clients that re-ACK only
     * on their own timer, which every received duplicate restarts (atftp: 5 s), get their ACK through.
     */
    private long backoff() {
        long doubled = timeoutNanos << Math.min(Math.max(retries - 1, 0), 4);
        return Math.min(doubled, Math.max(timeoutNanos, MAX_BACKOFF_NANOS));
    }

    /** Whether the client acknowledged the last block. */
    boolean complete() {
        return complete;
    }

    /**
     * Whether the transfer was given up for want of the final ACK alone, from a client that had gone quiet: it
     * most likely has the file (see the class comment).
     */
    boolean presumedDelivered() {
        return presumed;
    }

    /**
     * Notes that the client still waits for data: it repeated its ACK, or (from the request port, any thread) its
     * RRQ. After the last block went out, this keeps the transfer from being {@link #presumedDelivered()}.
     */
    void clientWaiting() {
        waitingSinceLastBlock = true;
    }

    /** Why the transfer ended, for the log. */
    String ending() {
        return ending;
    }

    long size() {
        return size;
    }

    /** Sends the OACK, or the window from {@link #next}, up to a packet the full send buffer does not take. */
    private void send(ByteBuffer out) throws IOException {
        if (oack != null) {
            stalled = !sent(ByteBuffer.wrap(oack));
            return;
        }
        stalled = false;
        long limit = Math.min(lastBlock, base + windowSize - 1);
        while (next <= limit) {
            if (!sendBlock(next, out)) {
                stalled = true;
                return;
            }
            next++;
        }
    }

    /** Whether the packet went out: a non-blocking send with a full buffer sends nothing and returns 0. */
    private boolean sent(ByteBuffer packet) throws IOException {
        return channel.send(packet, peer) > 0;
    }

    private boolean sendBlock(long block, ByteBuffer out) throws IOException {
        long offset = (block - 1) * blockSize;
        int length = (int) Math.min(blockSize, size - offset);
        out.clear();
        out.putShort((short) Packets.DATA).putShort((short) block);
        if (netascii) {
            encodeNetascii(block, length, out);
        } else {
            out.put(content, (int) offset, length);
        }
        out.flip();
        if (!sent(out)) {
            return false;
        }
        if (block == lastBlock) {
            waitingSinceLastBlock = false;
        }
        return true;
    }

    private void encodeNetascii(long block, int length, ByteBuffer out) {
        int slot = (int) (block % ringSource.length);
        int source = ringSource[slot];
        int carry = ringCarry[slot];
        for (int i = 0; i < length; i++) {
            if (carry != NO_CARRY) {
                out.put((byte) carry);
                carry = NO_CARRY;
            } else {
                byte b = content[source++];
                if (b == '\n') {
                    out.put((byte) '\r');
                    carry = '\n';
                } else if (b == '\r') {
                    out.put((byte) '\r');
                    carry = 0;
                } else {
                    out.put(b);
                }
            }
        }
        int following = (int) ((block + 1) % ringSource.length);
        ringSource[following] = source;
        ringCarry[following] = carry;
    }
}
