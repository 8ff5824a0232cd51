package pnp.tftp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's answer to the options of an RRQ (RFC 2347 negotiation).
 *
 * <p>Rules: {@code blksize} 8–65464 (RFC 2348) is granted, clamped to the configured maximum; {@code tsize}
 * (RFC 2349) with any non-negative number is answered with the transfer size (bytes on the wire, so for
 * netascii after conversion), except for an empty file: curl (7.88) rejects {@code tsize 0} in an OACK, so
 * it is left out; {@code timeout} 1–255
 * (RFC 2349) is granted as asked; {@code windowsize} 1–65535 (RFC 7440) is granted, clamped to
 * {@value TftpSettings#MAX_WINDOW}. An invalid value (e.g. {@code blksize 0}, {@code 1}, {@code 70000},
 * {@code tsize abc}) is treated like an unknown option: left out of the OACK, so the transfer runs with the
 * RFC 1350 default. RFC 2347 lets a server ignore any option, and answering error 8 would turn an
 * odd-but-harmless request from a phone into a failed boot.
 *
 * @param blockSize the data size of a full block
 * @param timeoutSeconds the retransmission timeout
 * @param windowSize blocks sent before waiting for an ACK
 * @param oack the OACK packet, or {@code null} when no option was granted (data starts at once)
 */
record OptionNegotiation(int blockSize, int timeoutSeconds, int windowSize, byte[] oack) {

    static OptionNegotiation negotiate(Map<String, String> requested, long transferSize, TftpSettings settings) {
        int blockSize = TftpSettings.DEFAULT_BLOCK_SIZE;
        int timeout = settings.timeoutSeconds();
        int window = 1;
        List<String> granted = new ArrayList<>(8);
        for (Map.Entry<String, String> option : requested.entrySet()) {
            long value = number(option.getValue());
            switch (option.getKey()) {
                case "blksize" -> {
                    if (value >= TftpSettings.MIN_BLOCK_SIZE && value <= TftpSettings.MAX_BLOCK_SIZE) {
                        blockSize = (int) Math.min(value, settings.maxBlockSize());
                        granted.add("blksize");
                        granted.add(Integer.toString(blockSize));
                    }
                }
                case "tsize" -> {
                    if (value >= 0 && transferSize > 0) {
                        granted.add("tsize");
                        granted.add(Long.toString(transferSize));
                    }
                }
                case "timeout" -> {
                    if (value >= 1 && value <= 255) {
                        timeout = (int) value;
                        granted.add("timeout");
                        granted.add(Integer.toString(timeout));
                    }
                }
                case "windowsize" -> {
                    if (value >= 1 && value <= 65535) {
                        window = (int) Math.min(value, TftpSettings.MAX_WINDOW);
                        granted.add("windowsize");
                        granted.add(Integer.toString(window));
                    }
                }
                default -> {
                    // RFC 2347: options the server does not know are left out of the OACK
                }
            }
        }
        byte[] oack = granted.isEmpty() ? null : Packets.oack(granted.toArray(String[]::new));
        return new OptionNegotiation(blockSize, timeout, window, oack);
    }

    /** A decimal number of at most 18 digits, or -1. */
    private static long number(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
