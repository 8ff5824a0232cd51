package pnp.tftp.internal;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What the engine needs to know, already validated: values out of range are clamped.
 *
 * @param address the local address to listen on (the wildcard for all)
 * @param port the request port ({@code 0} picks a free one, for tests)
 * @param maxBlockSize the largest {@code blksize} granted; larger requests are clamped to it
 * @param timeoutSeconds the retransmission timeout when the client does not negotiate one
 * @param retries how many times a packet is resent before the transfer is given up
 * @param maxTransfers concurrent transfers in total
 * @param maxTransfersPerAddress concurrent transfers per client address
 * @param eventLoops selector threads sharing the transfers
 */
record TftpSettings(InetAddress address, int port, int maxBlockSize, int timeoutSeconds, int retries,
        int maxTransfers, int maxTransfersPerAddress, int eventLoops) {

    /** RFC 2348: the smallest valid block size. */
    static final int MIN_BLOCK_SIZE = 8;
    /** RFC 2348: the largest valid block size (fits a 65535-byte IP datagram with headers). */
    static final int MAX_BLOCK_SIZE = 65464;
    /** RFC 1350 block size, used when none is negotiated. */
    static final int DEFAULT_BLOCK_SIZE = 512;
    /** The largest window granted (RFC 7440 allows up to 65535; more than this only floods queues). */
    static final int MAX_WINDOW = 64;

    TftpSettings {
        Objects.requireNonNull(address, "address");
        port = clamp(port, 0, 65535);
        maxBlockSize = clamp(maxBlockSize, MIN_BLOCK_SIZE, MAX_BLOCK_SIZE);
        timeoutSeconds = clamp(timeoutSeconds, 1, 255);
        retries = clamp(retries, 0, 100);
        maxTransfers = clamp(maxTransfers, 1, 100_000);
        maxTransfersPerAddress = clamp(maxTransfersPerAddress, 1, maxTransfers);
        eventLoops = clamp(eventLoops, 1, 16);
    }

    /** The default number of selector threads: one per core, at most four. */
    static int defaultEventLoops() {
        return clamp(Runtime.getRuntime().availableProcessors(), 1, 4);
    }

    /** Whether {@code other} needs a new listening socket (address or port differ). */
    boolean bindsDifferently(TftpSettings other) {
        return !address.equals(other.address) || port != other.port || eventLoops != other.eventLoops;
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
