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
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import pnp.api.MacAddress;
import pnp.api.PhoneInventory;
import pnp.api.PhoneNotifier;
import pnp.api.PhoneSighting;
import pnp.api.Rendering;
import pnp.api.ServerStatus;

/**
 * Hears PnP SUBSCRIBEs on the multicast group and on our unicast port, answers them, records each
 * phone in the {@link PhoneInventory}, and sends the NOTIFYs the inventory asks for.
 *
 * <p>JAIN-SIP is bound to the unicast address and port (it does not share its socket); a separate
 * multicast socket with SO_REUSEADDR is bound to the group and joined on each chosen interface. Its
 * datagrams are parsed with the stack's parser and answered through the stack.
 *
 * <p>Threading: the multicast receiver thread and JAIN-SIP's threads call {@link #handle}; it only
 * parses, answers and hands over to the inventory, which works on its own thread. NOTIFYs are built
 * sent statelessly and retransmitted on one thread of ours ({@code pnp-sip-notify}); their outcomes
 * complete on the stack's.
 */
@Component(service = { PhoneNotifier.class, ServerStatus.class }, configurationPid = "pnp.sip", immediate = true)
@Designate(ocd = SipService.Config.class)
public class SipService implements PhoneNotifier, ServerStatus {

    @ObjectClassDefinition(name = "PnP SIP listener",
            description = "Where phones' PnP SUBSCRIBEs are heard and NOTIFYs sent from. Changes apply at once.")
    public @interface Config {
        @AttributeDefinition(name = "Unicast address",
                description = "Address the SIP stack binds (not 0.0.0.0: the group socket shares the port). Empty: the first address of the chosen interfaces.")
        String address() default "";

        @AttributeDefinition(name = "Port", description = "SIP port for the group and for unicast. Use another unicast port beside a PBX on 5060 (see README).")
        int port() default 5060;

        @AttributeDefinition(name = "Multicast", description = "Listen on the PnP multicast group.")
        boolean multicast() default true;

        @AttributeDefinition(name = "Multicast group")
        String group() default "224.0.1.75";

        @AttributeDefinition(name = "Interfaces", description = "Interface names to join the group on. Empty: every interface that is up and multicast-capable.")
        String[] interfaces() default {};

        @AttributeDefinition(name = "Advertised host", description = "Host phones use to reach this server, in URLs. Empty: our address on the interface the phone was heard on.")
        String advertisedHost() default "";

        @AttributeDefinition(name = "SUBSCRIBEs per second per source", description = "Past this (after the burst), one host's SUBSCRIBEs are dropped.")
        double subscribesPerSecond() default 20;

        @AttributeDefinition(name = "Burst per source")
        int burst() default 40;

        @AttributeDefinition(name = "Interface re-scan (seconds)", description = "How often to join the group on interfaces that came up.")
        int rescanSeconds() default 10;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SipService.class);
    private static final AtomicInteger STACKS = new AtomicInteger();
    private static final String LOOPBACK = "127.0.0.1";
    private static final List<String> ALLOW = List.of(Request.SUBSCRIBE, Request.NOTIFY, Request.OPTIONS);
    /** Headers without which a message cannot be answered or framed: the stack drops a message when one is broken. */
    private static final Set<Class<?>> ESSENTIAL_HEADERS = Set.of(From.class, To.class, CSeq.class, Via.class,
            CallID.class, ContentLength.class, RequestLine.class, StatusLine.class);

    private final PhoneInventory inventory;
    private final RateLimitedLog badInput = new RateLimitedLog(LOG, 10_000);
    /** A PnP SUBSCRIBE is well under 2 KB; anything this large is not a booting phone. */
    static final int MAX_SUBSCRIBE_BYTES = 8192;
    /**
     * Dialogs kept for a NOTIFY still to come (the phone's assignment may come later): an hour each, at
     * most this many (SUBSCRIBEs with made-up MACs must not fill the heap); past either, the NOTIFY goes
     * out of the dialog.
     */
    static final int MAX_SUBSCRIPTIONS = 50_000;
    static final long SUBSCRIPTION_KEEP_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Socket receive buffers of the unicast and group sockets: a few thousand SUBSCRIBEs. */
    static final int RECEIVE_BUFFER_BYTES = 4 << 20;
    private final RateLimitedLog flood = new RateLimitedLog(LOG, 10_000);
    /** NOTIFYs sent and not yet answered, by the branch of their Via. */
    private final Map<String, PendingNotify> pending = new ConcurrentHashMap<>();
    private final Map<MacAddress, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Long> recentRequests = new ConcurrentHashMap<>();
    private final AtomicLong tags = new AtomicLong(System.nanoTime());
    private final AtomicLong lastPrune = new AtomicLong(System.nanoTime());
    private final AtomicLong lastSubscriptionPrune = new AtomicLong(System.nanoTime());

    private volatile Runtime runtime;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pnp-sip-notify");
        t.setDaemon(true);
        return t;
    });

    /**
     * A NOTIFY on its way: sent statelessly and retransmitted by us as RFC 3261 17.1.2.2 asks (Timer E
     * from T1 = 500 ms doubling up to T2 = 4 s, given up at Timer F = 64 x T1). A JAIN-SIP client
     * transaction per NOTIFY would keep the request, its answer and three timers for 5 s after the
     * answer (Timer K); in a boot storm that is most of the heap and of the collector's work.
     */
    private record PendingNotify(Runtime rt, Request request, CompletableFuture<NotifyOutcome> result,
            long deadline) {
    }

    static final long T1_MILLIS = 500;
    static final long T2_MILLIS = 4000;
    /** Timer F; shorter only in tests. */
    volatile long timerFMillis = 64 * T1_MILLIS;

    /**
     * The subscription a NOTIFY belongs to: the SUBSCRIBE's dialog identifiers, addresses kept as text
     * (a parsed JAIN-SIP address is a graph of a dozen objects; ten thousand phones add up).
     */
    private record Subscription(String callId, String phone, String phoneTag, String us, String ourTag,
            String contactHost, int contactPort, long heardAt) {
    }

    @Activate
    public SipService(@Reference PhoneInventory inventory, Config config) {
        this.inventory = inventory;
        this.runtime = new Runtime(config);
        runtime.start();
    }

    @Modified
    void modified(Config config) {
        Runtime old = runtime;
        old.stop();
        Runtime next = new Runtime(config);
        runtime = next;
        next.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        runtime.stop();
        sender.shutdown(); // what is queued still completes: "SIP stack is not listening"
        sender.awaitTermination(5, TimeUnit.SECONDS);
        pending.values().forEach(p -> p.result().complete(new NotifyOutcome(false, 0, "SIP listener stopped")));
        pending.clear();
    }

    @Override
    public List<Endpoint> endpoints() {
        return runtime.endpoints();
    }

    @Override
    public CompletionStage<NotifyOutcome> notify(PhoneSighting to, String url, String contentType) {
        CompletableFuture<NotifyOutcome> result = new CompletableFuture<>();
        try {
            // Building and sending goes on our own thread: the caller (the inventory) never waits for the stack.
            sender.execute(() -> send(result, to, url, contentType));
        } catch (RejectedExecutionException e) {
            result.complete(new NotifyOutcome(false, 0, "SIP listener stopped"));
        }
        return result;
    }

    private void send(CompletableFuture<NotifyOutcome> result, PhoneSighting to, String url, String contentType) {
        Runtime rt = runtime;
        if (rt.provider == null) {
            result.complete(new NotifyOutcome(false, 0, "SIP stack is not listening: " + rt.stackProblem));
            return;
        }
        String branch = null;
        try {
            Request notify = rt.notifyRequest(to, url, contentType);
            branch = ((ViaHeader) notify.getHeader(ViaHeader.NAME)).getBranch();
            pending.put(branch, new PendingNotify(rt, notify, result,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timerFMillis)));
            rt.provider.sendRequest(notify);
            scheduleRetransmission(branch, T1_MILLIS);
        } catch (Exception e) {
            if (branch != null) {
                pending.remove(branch);
            }
            result.complete(new NotifyOutcome(false, 0, "cannot send NOTIFY: " + e));
        }
    }

    private void scheduleRetransmission(String branch, long afterMillis) {
        try {
            sender.schedule(() -> retransmit(branch, afterMillis), afterMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            PendingNotify p = pending.remove(branch);
            if (p != null) {
                p.result().complete(new NotifyOutcome(false, 0, "SIP listener stopped"));
            }
        }
    }

    /** Timer E fired: send the NOTIFY again unless it was answered; give up at Timer F. */
    private void retransmit(String branch, long lastInterval) {
        PendingNotify p = pending.get(branch);
        if (p == null) {
            return; // answered
        }
        if (System.nanoTime() - p.deadline() >= 0) {
            if (pending.remove(branch, p)) {
                p.result().complete(new NotifyOutcome(false, 0, "no answer (timeout)"));
            }
            return;
        }
        // A configuration change restarts the stack: while it listens on the same address and port, the
        // phone's answer still reaches us, so the new stack carries on sending (and none is sent while
        // it restarts).
        Runtime now = runtime;
        boolean starting = now.address.isEmpty();
        if (!starting && (!now.address.equals(p.rt().address) || now.config.port() != p.rt().config.port())) {
            if (pending.remove(branch, p)) {
                p.result().complete(new NotifyOutcome(false, 0, "SIP listener moved to " + now.address + ":"
                        + now.config.port() + " before an answer"));
            }
            return;
        }
        SipProvider provider = now.provider;
        if (provider != null && !starting) {
            try {
                provider.sendRequest(p.request());
            } catch (Exception e) {
                badInput.warn("Cannot send a NOTIFY again to {}: {}", p.request().getRequestURI(), e.toString());
            }
        }
        scheduleRetransmission(branch, Math.min(2 * lastInterval, T2_MILLIS));
    }

    /**
     * Handles one request, from the group socket or the stack. Never throws.
     *
     * @param localAddress our address on the interface it arrived on
     */
    void handle(Runtime rt, Request request, String source,
            int sourcePort, String interfaceName, String localAddress, boolean multicast) {
        try {
            switch (request.getMethod()) {
                case Request.SUBSCRIBE -> onSubscribe(rt, request, source, sourcePort,
                        interfaceName, localAddress, multicast);
                case Request.OPTIONS -> rt.respond(request, Response.OK, source, sourcePort, null);
                case Request.ACK -> {
                    // nothing to answer
                }
                default -> {
                    if (!multicast) {
                        rt.respond(request, Response.METHOD_NOT_ALLOWED, source, sourcePort, null);
                    }
                }
            }
        } catch (Exception e) {
            badInput.warn("Could not answer {} from {}:{}: {}", request.getMethod(), source, sourcePort, e.toString());
        }
    }

    private void onSubscribe(Runtime rt, Request request, String source, int sourcePort,
            String interfaceName, String localAddress, boolean multicast)
            throws ParseException, javax.sip.SipException, javax.sip.InvalidArgumentException {
        if (!rt.limiter.allow(source, System.nanoTime())) {
            flood.warn("Dropping SUBSCRIBEs from {}: more than {}/s (pnp.sip subscribesPerSecond)", source,
                    rt.config.subscribesPerSecond());
            return;
        }
        int size = request instanceof SIPMessage m ? m.getSize() : 0;
        if (size > MAX_SUBSCRIBE_BYTES) {
            badInput.warn("Refused a {}-byte SUBSCRIBE from {}:{} (a phone's is under {} bytes): answered 513", size,
                    source, sourcePort, MAX_SUBSCRIBE_BYTES);
            if (!multicast) {
                rt.respond(request, Response.MESSAGE_TOO_LARGE, source, sourcePort, null);
            }
            return;
        }
        String eventValue = PnpSubscribe.eventValue(request);
        if (!PnpSubscribe.EVENT_PACKAGE.equals(PnpSubscribe.eventPackage(eventValue))) {
            rt.respond(request, Response.BAD_EVENT, source, sourcePort, null);
            return;
        }
        CallIdHeader callId = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        String key = callId.getCallId() + "\u0000" + cseq.getSeqNumber() + "\u0000" + source;
        String ourTag = Long.toHexString(key.hashCode() & 0xffffffffL) + Long.toHexString(tags.get() & 0xffff);
        boolean retransmission = recentRequests.putIfAbsent(key, System.nanoTime()) != null;
        rt.respond(request, Response.OK, source, sourcePort, ourTag);
        if (retransmission) {
            return; // answered again, not a new sighting
        }
        pruneRecent();
        PnpSubscribe sub = PnpSubscribe.read(request, eventValue, source, sourcePort);
        if (sub.mac().isEmpty()) {
            badInput.warn("PnP SUBSCRIBE from {} (User-Agent '{}') names no MAC address: answered, not recorded", source,
                    sub.userAgent());
            return;
        }
        MacAddress mac = sub.mac().get();
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        pruneSubscriptions();
        if (subscriptions.size() < MAX_SUBSCRIPTIONS || subscriptions.containsKey(mac)) {
            subscriptions.put(mac, new Subscription(callId.getCallId(), from.getAddress().toString(), from.getTag(),
                    to.getAddress().toString(), ourTag, sub.contactHost(), sub.contactPort(), System.nanoTime()));
        } else {
            flood.warn("{} phones heard in the last hour are still waiting for a NOTIFY: phone {}'s will go out of"
                    + " its SUBSCRIBE's dialog", MAX_SUBSCRIPTIONS, mac);
        }
        String advertised = rt.config.advertisedHost();
        inventory.sighted(new PhoneSighting(mac, sub.vendor(), sub.model(), sub.firmware(), sub.userAgent(),
                sub.contactHost(), sub.contactPort(), source, sourcePort, interfaceName,
                advertised.isEmpty() ? localAddress : advertised, multicast, Instant.now()));
    }

    /** Forgets dialogs older than an hour. */
    private void pruneSubscriptions() {
        long now = System.nanoTime();
        if (sweepDue(subscriptions, lastSubscriptionPrune, now)) {
            subscriptions.values().removeIf(d -> now - d.heardAt() > SUBSCRIPTION_KEEP_NANOS);
        }
    }

    /** Forgets requests older than Timer F (32 s): a retransmission comes within it. */
    private void pruneRecent() {
        long now = System.nanoTime();
        if (sweepDue(recentRequests, lastPrune, now)) {
            long cutoff = now - TimeUnit.SECONDS.toNanos(32);
            recentRequests.values().removeIf(t -> t - cutoff < 0);
        }
    }

    /** Whether this thread sweeps the map now: only when it is large, at most once a second, by one thread. */
    private static boolean sweepDue(Map<?, ?> map, AtomicLong lastSweep, long now) {
        long last = lastSweep.get();
        return map.size() >= 4096 && now - last >= TimeUnit.SECONDS.toNanos(1) && lastSweep.compareAndSet(last, now);
    }

    /** One configuration's sockets and stack; replaced whole when the configuration changes. */
    final class Runtime implements SipListener {
        final Config config;
        final SourceLimiter limiter;
        volatile SipProvider provider;
        volatile String stackProblem = "not started";
        /**
         * Also on 127.0.0.1 when the address is chosen by default (see {@link #startLoopback}); else null. A
         * stack of its own: a second listening point on the same port in the main stack would let that stack
         * send answers to LAN phones from 127.0.0.1.
         */
        private volatile SipProvider loopbackProvider;
        private SipStack loopbackStack;
        private volatile String loopbackProblem = "";
        private SipStack stack;
        private MessageFactory messages;
        private HeaderFactory headers;
        private AddressFactory addresses;
        private String address = "";
        private MulticastSocket group;
        private Thread receiver;
        private volatile boolean running;
        private final Map<String, NetworkInterface> joined = new ConcurrentHashMap<>();
        private final Map<String, String> joinProblems = new ConcurrentHashMap<>();
        private volatile String groupProblem = "";
        private final List<InterfaceAddress> interfaceAddresses = new CopyOnWriteArrayList<>();
        private ScheduledExecutorService rescan;

        Runtime(Config config) {
            this.config = config;
            this.limiter = new SourceLimiter(config.subscribesPerSecond(), config.burst(), 100_000);
        }

        void start() {
            running = true;
            List<NetworkInterface> chosen = chosenInterfaces();
            address = config.address().isBlank() ? firstAddress(chosen) : config.address().trim();
            startStack();
            if (config.multicast()) {
                startGroup(chosen);
                rescan = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "pnp-sip-rescan");
                    t.setDaemon(true);
                    return t;
                });
                int every = Math.max(1, config.rescanSeconds());
                rescan.scheduleWithFixedDelay(() -> join(chosenInterfaces()), every, every, TimeUnit.SECONDS);
            }
        }

        void stop() {
            running = false;
            if (rescan != null) {
                rescan.shutdownNow();
            }
            if (group != null) {
                group.close();
            }
            if (receiver != null) {
                try {
                    receiver.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            SipProvider p = provider;
            provider = null;
            close(stack, p);
            SipProvider local = loopbackProvider;
            loopbackProvider = null;
            close(loopbackStack, local);
        }

        private void close(SipStack s, SipProvider p) {
            if (s == null) {
                return;
            }
            try {
                if (p != null) {
                    p.removeSipListener(this);
                    for (ListeningPoint lp : p.getListeningPoints()) {
                        p.removeListeningPoint(lp);
                        s.deleteListeningPoint(lp);
                    }
                    s.deleteSipProvider(p);
                }
            } catch (Exception e) {
                LOG.debug("Stopping the SIP stack: {}", e.toString());
            }
            s.stop();
        }

        private Properties stackProperties(String name) {
            Properties props = new Properties();
            props.setProperty("javax.sip.STACK_NAME", name);
            props.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
            props.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
            props.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
            props.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
            props.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
            props.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
            // A boot storm arrives faster than a GC pause lasts: queue it in the kernel rather than drop
            // it (the kernel caps this at net.core.rmem_max; see README).
            props.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(RECEIVE_BUFFER_BYTES));
            props.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "false");
            return props;
        }

        private void startStack() {
            Properties props = stackProperties("pnp-sip-" + STACKS.incrementAndGet());
            try {
                SipFactory factory = SipFactory.getInstance();
                factory.setPathName("gov.nist");
                stack = factory.createSipStack(props);
                messages = factory.createMessageFactory();
                headers = factory.createHeaderFactory();
                addresses = factory.createAddressFactory();
                ListeningPoint lp = stack.createListeningPoint(address, config.port(), ListeningPoint.UDP);
                SipProvider p = stack.createSipProvider(lp);
                p.addSipListener(this);
                stack.start();
                provider = p;
                stackProblem = "";
                LOG.info("SIP listening on {}:{}/udp", address, config.port());
                startLoopback();
            } catch (Exception e) {
                stackProblem = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.error("SIP cannot listen on {}:{}/udp: {}. Set another address or port in the pnp.sip configuration "
                        + "(e.g. beside a PBX that owns 5060, see README).",
                        address, config.port(), stackProblem);
                if (stack != null) {
                    stack.stop();
                }
            }
        }

        /**
         * A user on this host tries {@code 127.0.0.1:5060} first (the simulator, sipp), but the default
         * address is a LAN interface's. So when the address is chosen by default and is not loopback, a
         * second stack listens on 127.0.0.1 too; not when an address is configured (then exactly that one).
         * Answers and NOTIFYs still go out of the main stack's socket, so a client here sees them come from
         * the main address. Failing here (e.g. a local PBX has 127.0.0.1:5060) only loses the convenience,
         * so it is logged at INFO.
         */
        private void startLoopback() {
            try {
                if (!config.address().isBlank() || InetAddress.getByName(address).isLoopbackAddress()) {
                    return;
                }
                loopbackStack = SipFactory.getInstance().createSipStack(
                        stackProperties("pnp-sip-" + STACKS.incrementAndGet() + "-loopback"));
                ListeningPoint lp = loopbackStack.createListeningPoint(LOOPBACK, config.port(), ListeningPoint.UDP);
                SipProvider p = loopbackStack.createSipProvider(lp);
                p.addSipListener(this);
                loopbackStack.start();
                loopbackProvider = p;
                LOG.info("SIP listening on {}:{}/udp too, for clients on this host", LOOPBACK, config.port());
            } catch (Exception e) {
                loopbackProblem = e.getMessage() == null ? e.toString() : e.getMessage();
                if (loopbackStack != null) {
                    loopbackStack.stop();
                    loopbackStack = null;
                }
                LOG.info("SIP not listening on {}:{}/udp for clients on this host: {}", LOOPBACK, config.port(),
                        loopbackProblem);
            }
        }

        private void startGroup(List<NetworkInterface> chosen) {
            try {
                InetAddress groupAddress = InetAddress.getByName(config.group());
                MulticastSocket socket = new MulticastSocket(null);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(groupAddress, config.port()));
                socket.setSoTimeout(1000);
                socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
                group = socket;
                join(chosen);
                receiver = new Thread(this::receive, "pnp-sip-multicast");
                receiver.setDaemon(true);
                receiver.start();
            } catch (IOException e) {
                groupProblem = e.toString();
                LOG.error("Cannot bind the PnP multicast group {}:{}: {}. Phones booting on the LAN will not be heard; "
                        + "check the pnp.sip configuration (address must not be 0.0.0.0 when the group shares the port).",
                        config.group(), config.port(), e.toString());
            }
        }

        private synchronized void join(List<NetworkInterface> chosen) {
            if (group == null || group.isClosed()) {
                return;
            }
            InetSocketAddress groupAddress = new InetSocketAddress(config.group(), config.port());
            Map<String, NetworkInterface> now = new LinkedHashMap<>();
            chosen.forEach(ni -> now.put(ni.getName(), ni));
            for (Iterator<Map.Entry<String, NetworkInterface>> it = joined.entrySet().iterator(); it.hasNext();) {
                Map.Entry<String, NetworkInterface> e = it.next();
                if (!now.containsKey(e.getKey())) {
                    try {
                        group.leaveGroup(groupAddress, e.getValue());
                    } catch (IOException ex) {
                        LOG.debug("Leaving {} on {}: {}", config.group(), e.getKey(), ex.toString());
                    }
                    it.remove();
                    LOG.info("Interface {} went away: left {}", e.getKey(), config.group());
                }
            }
            for (NetworkInterface ni : now.values()) {
                if (joined.containsKey(ni.getName())) {
                    continue;
                }
                try {
                    group.joinGroup(groupAddress, ni);
                    joined.put(ni.getName(), ni);
                    joinProblems.remove(ni.getName());
                    LOG.info("Listening for PnP SUBSCRIBEs on {}:{} via {}", config.group(), config.port(), ni.getName());
                } catch (IOException e) {
                    if (joinProblems.put(ni.getName(), e.toString()) == null) {
                        LOG.warn("Cannot join {} on interface {}: {}", config.group(), ni.getName(), e.toString());
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
                    group.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    if (running) {
                        badInput.warn("Multicast receive failed: {}", e.toString());
                    }
                    continue;
                }
                InetAddress from = packet.getAddress();
                int port = packet.getPort();
                try {
                    byte[] copy = Arrays.copyOf(packet.getData(), packet.getLength());
                    // Parsed as the stack parses a unicast datagram: a broken header that identifies the
                    // message or its framing drops the datagram; any other (e.g. an Event with blanks between
                    // its parameters) is kept as an unparsed line, where PnpSubscribe still reads it.
                    SIPMessage message = new StringMsgParser().parseSIPMessage(copy, true, false,
                            (ex, msg, headerClass, headerText, messageText) -> {
                                if (ESSENTIAL_HEADERS.contains(headerClass)) {
                                    throw ex;
                                }
                                msg.addUnparsed(headerText);
                            });
                    if (!(message instanceof Request request)) {
                        continue;
                    }
                    InterfaceAddress via = interfaceFor(from);
                    String ifName = via == null ? "" : nameOf(via);
                    String local = via == null ? address : via.getAddress().getHostAddress();
                    handle(this, request, from.getHostAddress(), port, ifName, local, true);
                } catch (Exception e) {
                    badInput.warn("Dropped an unreadable datagram ({} bytes) from {}:{}: {}", packet.getLength(),
                            from.getHostAddress(), port, e.getMessage());
                }
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

        private List<NetworkInterface> chosenInterfaces() {
            List<String> names = Arrays.stream(config.interfaces()).map(String::trim).filter(s -> !s.isEmpty()).toList();
            List<NetworkInterface> chosen = new ArrayList<>();
            try {
                for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
                    if (ni.isUp() && ni.supportsMulticast() && (names.isEmpty() || names.contains(ni.getName()))
                            && ni.inetAddresses().anyMatch(a -> a instanceof Inet4Address)) {
                        chosen.add(ni);
                    }
                }
            } catch (SocketException e) {
                LOG.warn("Cannot list network interfaces: {}", e.toString());
            }
            return chosen;
        }

        private String firstAddress(List<NetworkInterface> chosen) {
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

        List<Endpoint> endpoints() {
            List<Endpoint> list = new ArrayList<>();
            list.add(new Endpoint("sip/udp", address, config.port(), provider != null, stackProblem));
            if (loopbackProvider != null || !loopbackProblem.isEmpty()) {
                list.add(new Endpoint("sip/udp", LOOPBACK, config.port(), loopbackProvider != null, loopbackProblem));
            }
            if (config.multicast()) {
                if (!groupProblem.isEmpty()) {
                    list.add(new Endpoint("sip/multicast", config.group(), config.port(), false, groupProblem));
                }
                joined.keySet().forEach(n -> list.add(new Endpoint("sip/multicast", config.group() + " on " + n,
                        config.port(), true, "")));
                joinProblems.forEach((n, p) -> list.add(new Endpoint("sip/multicast", config.group() + " on " + n,
                        config.port(), false, p)));
            }
            return list;
        }

        void respond(Request request, int status, String source, int sourcePort, String toTag)
                throws ParseException, javax.sip.SipException, javax.sip.InvalidArgumentException {
            SipProvider p = provider;
            if (p == null) {
                return;
            }
            ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
            if (via == null) {
                throw new ParseException("no Via header", 0);
            }
            if (!source.equals(via.getHost())) {
                via.setReceived(source);
            }
            if (via.getParameter("rport") != null) {
                via.setParameter("rport", Integer.toString(sourcePort));
            }
            Response response = messages.createResponse(status, request);
            if (toTag != null) {
                ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(toTag);
            }
            if (request.getMethod().equals(Request.SUBSCRIBE) && status == Response.OK) {
                response.setHeader(headers.createExpiresHeader(0));
                response.setHeader(headers.createContactHeader(addresses.createAddress(ourUri())));
            }
            if (status == Response.METHOD_NOT_ALLOWED || request.getMethod().equals(Request.OPTIONS)) {
                allow(response);
            }
            if (status == Response.BAD_EVENT) {
                response.setHeader(headers.createHeader("Allow-Events", PnpSubscribe.EVENT_PACKAGE));
            }
            p.sendResponse(response);
        }

        Request notifyRequest(PhoneSighting to, String url, String contentType) throws ParseException,
                javax.sip.InvalidArgumentException {
            // The NOTIFY ends the subscription (terminated): the dialog is used once, and a later NOTIFY without
            // a new SUBSCRIBE goes out of it rather than into a dialog the phone has closed.
            Subscription sub = subscriptions.remove(to.mac());
            if (sub != null && !(sub.contactHost().equals(to.contactHost()) && sub.contactPort() == to.contactPort())) {
                sub = null;
            }
            SipURI target = addresses.createSipURI(null, to.contactHost());
            target.setPort(to.contactPort());
            String callId = sub != null ? sub.callId() : provider.getNewCallId().getCallId();
            Address fromAddress = sub != null ? addresses.createAddress(sub.us()) : addresses.createAddress(ourUri());
            String fromTag = sub != null ? sub.ourTag() : Long.toHexString(tags.incrementAndGet());
            Address toAddress = sub != null ? addresses.createAddress(sub.phone()) : addresses.createAddress(target);
            ViaHeader via = headers.createViaHeader(address, config.port(), ListeningPoint.UDP,
                    gov.nist.javax.sip.Utils.getInstance().generateBranchId());
            via.setRPort();
            List<ViaHeader> vias = new ArrayList<>();
            vias.add(via);
            ToHeader toHeader = headers.createToHeader(toAddress, sub != null ? sub.phoneTag() : null);
            ContentTypeHeader type;
            byte[] body;
            if (Rendering.EXTERNAL_BODY.equals(contentType)) {
                type = headers.createContentTypeHeader("message", "external-body");
                type.setParameter("access-type", "\"URL\"");
                type.setParameter("URL", "\"" + url + "\"");
                body = "Content-Type: application/octet-stream\r\n\r\n".getBytes(StandardCharsets.UTF_8);
            } else {
                type = headers.createContentTypeHeader("application", "url");
                body = url.getBytes(StandardCharsets.UTF_8);
            }
            Request notify = messages.createRequest(target, Request.NOTIFY, headers.createCallIdHeader(callId),
                    headers.createCSeqHeader(1L, Request.NOTIFY), headers.createFromHeader(fromAddress, fromTag),
                    toHeader, vias, headers.createMaxForwardsHeader(70), type, body);
            notify.setHeader(headers.createEventHeader(PnpSubscribe.EVENT_PACKAGE));
            javax.sip.header.SubscriptionStateHeader state = headers.createSubscriptionStateHeader(
                    javax.sip.header.SubscriptionStateHeader.TERMINATED);
            state.setReasonCode("timeout");
            notify.setHeader(state);
            notify.setHeader(headers.createContactHeader(addresses.createAddress(ourUri())));
            allow(notify);
            return notify;
        }

        private void allow(javax.sip.message.Message message) throws ParseException {
            for (String method : ALLOW) {
                message.addHeader(headers.createAllowHeader(method));
            }
        }

        private SipURI ourUri() throws ParseException {
            SipURI us = addresses.createSipURI(null, address);
            us.setPort(config.port());
            return us;
        }

        @Override
        public void processRequest(RequestEvent event) {
            Request request = event.getRequest();
            String source = request instanceof SIPMessage m && m.getRemoteAddress() != null
                    ? m.getRemoteAddress().getHostAddress() : "";
            int port = request instanceof SIPMessage m ? m.getRemotePort() : 0;
            if (Request.ACK.equals(request.getMethod())) {
                return;
            }
            // Answered statelessly, as on the group socket: a retransmission is recognised by its Call-ID,
            // CSeq and source (recentRequests) and answered again. A server transaction per phone would
            // cost a Timer J of 32 s each in a boot storm and drop retransmissions that overtake the answer.
            boolean local = loopbackProvider != null && event.getSource() == loopbackProvider;
            handle(this, request, source, port, "", local ? LOOPBACK : address, false);
        }

        @Override
        public void processResponse(ResponseEvent event) {
            Response r = event.getResponse();
            ViaHeader via = (ViaHeader) r.getHeader(ViaHeader.NAME);
            CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
            if (r.getStatusCode() < 200 || via == null || via.getBranch() == null || cseq == null
                    || !Request.NOTIFY.equals(cseq.getMethod())) {
                return; // a provisional answer: keep retransmitting (RFC 3261 17.1.2.2 would slow to T2)
            }
            PendingNotify p = pending.remove(via.getBranch());
            if (p != null) {
                int code = r.getStatusCode();
                p.result().complete(new NotifyOutcome(code < 300, code, code + " " + r.getReasonPhrase()));
            }
        }

        @Override
        public void processTimeout(TimeoutEvent event) {
            // no transactions of ours: NOTIFY timeouts are our own Timer F
        }

        @Override
        public void processIOException(IOExceptionEvent event) {
            badInput.warn("SIP I/O error towards {}:{}: {}", event.getHost(), event.getPort(), event.getSource());
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {
            // no transactions of ours
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {
            // no dialogs are kept
        }
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
