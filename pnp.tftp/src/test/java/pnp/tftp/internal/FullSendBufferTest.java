package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A non-blocking send into a full socket buffer sends nothing and returns 0. Loopback never fills a send
 * buffer (the kernel hands each datagram over at once), so a channel that refuses one chosen send stands in
 * for it; the rest go out on a real loopback channel to a real client. The transfer is driven directly, with
 * its clock given by the test, as its event loop would.
 */
class FullSendBufferTest {

    @Test
    void blockRefusedByAFullSendBufferIsSentAtTheNextScan() throws Exception {
        byte[] content = TftpServerTest.bytes(10 * 512, 21);
        // the client only receives: it needs no server address
        try (TftpTestClient client = new TftpTestClient(null); RefusingChannel channel = new RefusingChannel(3)) {
            InetSocketAddress peer = (InetSocketAddress) client.socket.getLocalSocketAddress();
            // window 4, 10 s timeout, no retry: only a counted retry could end the transfer early
            Transfer transfer = new Transfer(channel, peer, "f.bin", content, false,
                    new OptionNegotiation(512, 10, 4, null), 0, () -> { });
            ByteBuffer out = ByteBuffer.allocate(4 + 512);
            long now = System.nanoTime();

            transfer.start(out, now);
            assertEquals(1, client.expect(5000).number());
            assertEquals(2, client.expect(5000).number());
            assertTrue(transfer.deadline - now <= 0, "due at the event loop's next scan, not after the timeout");

            long scan = now + TimeUnit.MILLISECONDS.toNanos(50);
            assertFalse(transfer.onTimeout(out, scan), "a full send buffer is no lost packet: not a retry");
            for (int block = 3; block <= 4; block++) {
                assertEquals(block, client.expect(5000).number(), "the window goes on from the refused block");
            }
            assertTrue(transfer.deadline - scan > 0, "back on the retransmission timer");

            transfer.onPacket(ByteBuffer.wrap(TftpTestClient.ack(4)), peer, out, scan);
            assertEquals(5, client.expect(5000).number());
        }
    }

    /** A loopback channel whose {@code refused}-th send (from 1) finds the send buffer full. */
    private static final class RefusingChannel extends DatagramChannel {

        private final DatagramChannel inner;
        private final int refused;
        private int sends;

        RefusingChannel(int refused) throws IOException {
            this(DatagramChannel.open(), refused);
        }

        private RefusingChannel(DatagramChannel inner, int refused) throws IOException {
            super(inner.provider());
            this.inner = inner;
            this.refused = refused;
            inner.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        @Override
        public int send(ByteBuffer src, SocketAddress target) throws IOException {
            return ++sends == refused ? 0 : inner.send(src, target);
        }

        @Override
        public SocketAddress receive(ByteBuffer dst) throws IOException {
            return inner.receive(dst);
        }

        @Override
        public DatagramChannel bind(SocketAddress local) throws IOException {
            inner.bind(local);
            return this;
        }

        @Override
        public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
            inner.setOption(name, value);
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) throws IOException {
            return inner.getOption(name);
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return inner.supportedOptions();
        }

        @Override
        public java.net.DatagramSocket socket() {
            return inner.socket();
        }

        @Override
        public boolean isConnected() {
            return inner.isConnected();
        }

        @Override
        public DatagramChannel connect(SocketAddress remote) throws IOException {
            inner.connect(remote);
            return this;
        }

        @Override
        public DatagramChannel disconnect() throws IOException {
            inner.disconnect();
            return this;
        }

        @Override
        public SocketAddress getRemoteAddress() throws IOException {
            return inner.getRemoteAddress();
        }

        @Override
        public SocketAddress getLocalAddress() throws IOException {
            return inner.getLocalAddress();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return inner.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return inner.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return inner.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return inner.write(srcs, offset, length);
        }

        @Override
        public MembershipKey join(InetAddress group, NetworkInterface interf) throws IOException {
            return inner.join(group, interf);
        }

        @Override
        public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) throws IOException {
            return inner.join(group, interf, source);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            inner.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            inner.configureBlocking(block);
        }
    }
}
