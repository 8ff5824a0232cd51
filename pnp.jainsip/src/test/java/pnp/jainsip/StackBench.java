package pnp.jainsip;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * CPU per message of a real stack on loopback (a benchmark to run by hand, not a test): SUBSCRIBEs
 * answered 200 statelessly the way pnp.sip answers them, and 200 OKs to NOTIFYs sent statelessly.
 * The CPU is the whole process's (stack threads, GC, JIT) less the thread that plays the phones, and
 * the part of it spent in Java threads (the stack's work without GC and JIT).
 *
 * <p>Arguments: {@code stock|selective} {@code valve|novalve} [phones, default 20000] [extra stack
 * properties as name=value...].
 */
public final class StackBench {

    public static void main(String[] args) throws Exception {
        boolean selective = args.length > 0 && args[0].equals("selective");
        boolean valve = args.length > 1 && args[1].equals("valve");
        int phones = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Properties props = new Properties();
        props.setProperty("javax.sip.STACK_NAME", "bench");
        props.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        props.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        props.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        props.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        props.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        props.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        props.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(4 << 20));
        props.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "false");
        if (selective) {
            props.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", SelectiveParserFactory.class.getName());
        }
        if (valve) {
            props.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StatelessValve.class.getName());
        }
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            props.setProperty(kv[0], kv[1]);
        }
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        SipStack stack = factory.createSipStack(props);
        MessageFactory messages = factory.createMessageFactory();
        HeaderFactory headers = factory.createHeaderFactory();
        AddressFactory addresses = factory.createAddressFactory();
        int free;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            free = probe.getLocalPort(); // the stack refuses port 0
        }
        ListeningPoint lp = stack.createListeningPoint("127.0.0.1", free, ListeningPoint.UDP);
        SipProvider provider = stack.createSipProvider(lp);
        int port = lp.getPort();
        AtomicInteger responses = new AtomicInteger();
        SipURI us = addresses.createSipURI(null, "127.0.0.1");
        us.setPort(port);
        provider.addSipListener(new Answerer() {
            @Override
            public void processRequest(RequestEvent event) {
                try {
                    Request request = event.getRequest();
                    Response response = messages.createResponse(Response.OK, request);
                    ((ToHeader) response.getHeader(ToHeader.NAME)).setTag("t" + request.hashCode());
                    response.setHeader(headers.createExpiresHeader(0));
                    response.setHeader(headers.createContactHeader(addresses.createAddress(us)));
                    provider.sendResponse(response);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void processResponse(ResponseEvent event) {
                responses.incrementAndGet();
            }
        });
        stack.start();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            phone.setSoTimeout(2000);
            phone.setReceiveBufferSize(4 << 20);
            // Warm-up: the JIT compiles the path before the measured run.
            subscribes(phone, server, phones, "w");
            answers(phone, server, phones, "w", responses);
            System.gc();

            long cpu0 = os.getProcessCpuTime();
            long mine0 = threads.getCurrentThreadCpuTime();
            long java0 = javaThreads(threads);
            int answered = subscribes(phone, server, phones, "s");
            long cpu1 = os.getProcessCpuTime();
            long mine1 = threads.getCurrentThreadCpuTime();
            long java1 = javaThreads(threads);
            int seen = answers(phone, server, phones, "a", responses);
            long cpu2 = os.getProcessCpuTime();
            long mine2 = threads.getCurrentThreadCpuTime();
            long java2 = javaThreads(threads);
            double perSubscribe = ((cpu1 - cpu0) - (mine1 - mine0)) / 1000.0 / phones;
            double perAnswer = ((cpu2 - cpu1) - (mine2 - mine1)) / 1000.0 / phones;
            double stackSubscribe = ((java1 - java0) - (mine1 - mine0)) / 1000.0 / phones;
            double stackAnswer = ((java2 - java1) - (mine2 - mine1)) / 1000.0 / phones;
            System.out.printf("parser %-9s %-7s  SUBSCRIBE+200: %6.1f us CPU, %5.1f in the stack's threads (%d/%d answered)"
                    + "   200 OK to NOTIFY: %6.1f us CPU, %5.1f in the stack's threads (%d/%d seen)   %s%n",
                    selective ? "selective" : "stock", valve ? "valve" : "novalve", perSubscribe, stackSubscribe, answered,
                    phones, perAnswer, stackAnswer, seen, phones,
                    String.join(" ", java.util.Arrays.copyOfRange(args, Math.min(3, args.length), args.length)));
        } finally {
            stack.stop();
        }
        System.exit(0); // the stack leaves a non-daemon thread behind
    }

    /** CPU time of every live Java thread: without GC and JIT, which the process time includes. */
    static long javaThreads(ThreadMXBean threads) {
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    /** Sends SUBSCRIBEs in windows of 50 and reads the 200s; returns how many came. */
    static int subscribes(DatagramSocket phone, InetSocketAddress server, int n, String run) throws Exception {
        int answered = 0;
        byte[] buf = new byte[4096];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        int local = phone.getLocalPort();
        for (int i = 0; i < n; i += 50) {
            int batch = Math.min(50, n - i);
            for (int j = 0; j < batch; j++) {
                String id = run + (i + j);
                String mac = String.format("000B82%06X", (i + j) & 0xffffff);
                byte[] b = Samples.SUBSCRIBES.get("grandstream")
                        .replace("000B82273B89", mac)
                        .replace("192.168.1.23:5060", "127.0.0.1:" + local)
                        .replace("z9hG4bK1510617390", "z9hG4bK" + id)
                        .replace("1437434432-5060-1", id)
                        .replace("tag=1181302478", "tag=" + id)
                        .getBytes(StandardCharsets.UTF_8);
                phone.send(new DatagramPacket(b, b.length, server));
            }
            for (int j = 0; j < batch; j++) {
                try {
                    in.setLength(buf.length);
                    phone.receive(in);
                    answered++;
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
        }
        return answered;
    }

    /** Sends 200 OKs to NOTIFYs (none pending: the stack hands them to the listener as stray answers). */
    static int answers(DatagramSocket phone, InetSocketAddress server, int n, String run, AtomicInteger seen)
            throws Exception {
        int before = seen.get();
        for (int i = 0; i < n; i++) {
            String id = run + i;
            byte[] b = Samples.NOTIFY_ANSWERS.get("sipp")
                    .replace("z9hG4bK-d8754z-1f0c6a0d3e1b2c4d", "z9hG4bK-" + id)
                    .replace("1437434432-5060-1", id)
                    .replace("tag=18d3c2a1b0", "tag=f" + id)
                    .replace("192.168.1.10:5060", "127.0.0.1:" + server.getPort())
                    .getBytes(StandardCharsets.UTF_8);
            phone.send(new DatagramPacket(b, b.length, server));
            if (i % 50 == 49) {
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (seen.get() - before < i + 1 - 25 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    Thread.sleep(0, 100_000);
                }
            }
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (seen.get() - before < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return seen.get() - before;
    }

    private abstract static class Answerer implements SipListener {
        @Override
        public void processTimeout(TimeoutEvent e) {
        }

        @Override
        public void processIOException(IOExceptionEvent e) {
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent e) {
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent e) {
        }
    }
}
