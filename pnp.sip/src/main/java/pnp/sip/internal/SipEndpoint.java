package pnp.sip.internal;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
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
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import pnp.api.PhoneSighting;
import pnp.api.ServerStatus.Endpoint;

/**
 * The sockets and SIP stack of one configuration, replaced whole when it changes: JAIN-SIP bound to the
 * unicast address and port, and the {@link GroupSocket}. Requests from both go to the
 * {@link SubscribeAnswerer}; its answer goes out through the stack's socket (statelessly), its sighting to
 * the inventory. Final answers to our NOTIFYs go to the {@link NotifySender}.
 *
 * <p>Threads: the stack's (up to {@code THREAD_POOL_SIZE}) and the group receiver call {@link #handle}
 * concurrently; it parses, answers and hands over, and never blocks on anything but the socket send.
 */
final class SipEndpoint implements SipListener {

    /** Socket receive buffers of the unicast and group sockets: a few thousand SUBSCRIBEs. */
    static final int RECEIVE_BUFFER_BYTES = 4 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(SipEndpoint.class);
    private static final AtomicInteger STACKS = new AtomicInteger();
    private static final String LOOPBACK = "127.0.0.1";

    private final SipComponent.Config config;
    private final SubscribeAnswerer answerer;
    private final Consumer<PhoneSighting> sightings;
    private final Consumer<Response> notifyAnswers;
    private final RateLimitedLog badInput = new RateLimitedLog(LOG, 10_000);
    private final RateLimitedLog invalid = new RateLimitedLog(LOG, 10_000);
    private final SipMessageReader reader = new SipMessageReader(this::rejected);
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private volatile SipProvider provider;
    private volatile String problem = "not started";
    private String address = "";
    private SipStack stack;
    private volatile GroupSocket group;
    /**
     * Also on 127.0.0.1 when the address is chosen by default (see {@link #startLoopback}); else null. A
     * stack of its own: a second listening point on the same port in the main stack would let that stack
     * send answers to LAN phones from 127.0.0.1.
     */
    private volatile SipProvider loopbackProvider;
    private SipStack loopbackStack;
    private volatile String loopbackProblem = "";

    SipEndpoint(SipComponent.Config config, SubscribeAnswerer answerer, Consumer<PhoneSighting> sightings,
            Consumer<Response> notifyAnswers) {
        this.config = config;
        this.answerer = answerer;
        this.sightings = sightings;
        this.notifyAnswers = notifyAnswers;
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        try {
            messages = factory.createMessageFactory();
            headers = factory.createHeaderFactory();
            addresses = factory.createAddressFactory();
        } catch (javax.sip.PeerUnavailableException e) {
            throw new IllegalStateException("JAIN-SIP implementation missing", e);
        }
    }

    /** Binds and starts; a socket that cannot be bound is logged and reported, never thrown. */
    void start() {
        List<String> names = Arrays.stream(config.interfaces()).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<NetworkInterface> chosen = GroupSocket.chosenInterfaces(names);
        address = config.address().isBlank() ? GroupSocket.firstAddress(chosen) : config.address().trim();
        startStack();
        if (config.multicast()) {
            group = new GroupSocket(config.group(), config.port(), names, this::datagram);
            group.start(chosen, config.rescanSeconds());
        }
    }

    void stop() {
        if (group != null) {
            group.stop();
        }
        SipProvider p = provider;
        provider = null;
        problem = "stopped";
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

    String address() {
        return address;
    }

    int port() {
        return config.port();
    }

    boolean listening() {
        return provider != null;
    }

    /** Why the stack is not listening; empty while it is. */
    String problem() {
        return problem;
    }

    /** Sends a request statelessly through the stack's socket. */
    void send(Request request) throws SipException {
        SipProvider p = provider;
        if (p == null) {
            throw new SipException("SIP stack is not listening: " + problem);
        }
        p.sendRequest(request);
    }

    List<Endpoint> endpoints() {
        List<Endpoint> list = new ArrayList<>();
        list.add(new Endpoint("sip/udp", address, config.port(), provider != null, problem));
        if (loopbackProvider != null || !loopbackProblem.isEmpty()) {
            list.add(new Endpoint("sip/udp", LOOPBACK, config.port(), loopbackProvider != null, loopbackProblem));
        }
        if (group != null) {
            list.addAll(group.endpoints());
        }
        return list;
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
        // Network input reaches the stack's log lines: these bound them (pnp.jainsip).
        props.setProperty("gov.nist.javax.sip.STACK_LOGGER", "pnp.jainsip.BoundedStackLogger");
        // UDP only: without these the stack looks for TLS key stores and warns five times at every start.
        props.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", "pnp.jainsip.UdpOnlySecurityManagerProvider");
        props.setProperty("gov.nist.javax.sip.TLS_SECURITY_POLICY", "gov.nist.javax.sip.stack.DefaultTlsSecurityPolicy");
        // SUBSCRIBE and OPTIONS go to the listener before the stack makes a server transaction for them: they
        // are answered statelessly anyway, and a transaction per phone is only cost (pnp.jainsip README).
        props.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", "pnp.jainsip.StatelessValve");
        return props;
    }

    private void startStack() {
        Properties props = stackProperties("pnp-sip-" + STACKS.incrementAndGet());
        try {
            SipFactory factory = SipFactory.getInstance();
            stack = factory.createSipStack(props);
            // before the listening point exists: its receiver threads take their parser from the factory
            ((SIPTransactionStack) stack).setMessageParserFactory(reader);
            ListeningPoint lp = stack.createListeningPoint(address, config.port(), ListeningPoint.UDP);
            SipProvider p = stack.createSipProvider(lp);
            p.addSipListener(this);
            stack.start();
            provider = p;
            problem = "";
            LOG.info("SIP listening on {}:{}/udp", address, config.port());
            startLoopback();
        } catch (Exception e) {
            problem = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.error("SIP cannot listen on {}:{}/udp: {}. Set another address or port in the pnp.sip configuration "
                    + "(e.g. beside a PBX that owns 5060, see README).", address, config.port(), problem);
            if (stack != null) {
                stack.stop();
            }
        }
    }

    /**
     * A user on this host tries {@code 127.0.0.1:5060} first (the simulator, sipp), but the default address
     * is a LAN interface's. So when the address is chosen by default and is not loopback, a second stack
     * listens on 127.0.0.1 too; not when an address is configured (then exactly that one). Answers and
     * NOTIFYs still go out of the main stack's socket. Failing here (e.g. a local PBX has 127.0.0.1:5060)
     * only loses the convenience, so it is logged at INFO.
     */
    private void startLoopback() {
        try {
            if (!config.address().isBlank() || InetAddress.getByName(address).isLoopbackAddress()) {
                return;
            }
            Properties props = stackProperties("pnp-sip-" + STACKS.incrementAndGet() + "-loopback");
            loopbackStack = SipFactory.getInstance().createSipStack(props);
            ((SIPTransactionStack) loopbackStack).setMessageParserFactory(reader);
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
                    LogText.of(loopbackProblem));
        }
    }

    /** A datagram from the group: parsed as the stack parses its own, then handled alike. */
    private void datagram(byte[] data, int length, InetAddress from, int port, String interfaceName,
            String localAddress) {
        SIPMessage message;
        try {
            message = reader.read(Arrays.copyOf(data, length));
        } catch (SipMessageReader.Invalid e) {
            rejected(from.getHostAddress(), e.violation.reason);
            return;
        } catch (ParseException | RuntimeException e) {
            rejected(from.getHostAddress(), "unreadable: " + LogText.of(e.getMessage()));
            return;
        }
        if (message instanceof Request request) {
            handle(request, from.getHostAddress(), port, interfaceName, localAddress == null ? address : localAddress,
                    true);
        }
    }

    /** One line per source and cause at most every 10 s: a flood of bad datagrams cannot fill the log. */
    private void rejected(String source, String cause) {
        invalid.warnOnce(source + ' ' + cause, "Refused an invalid SIP message from {}: {} (unicast: 400, or 505 for"
                + " the version, where a response can be formed; multicast: no answer)", source, cause);
    }

    /** Answers one request from either socket and hands its sighting over. Never throws. */
    private void handle(Request request, String source, int sourcePort, String interfaceName, String localAddress,
            boolean multicast) {
        try {
            SubscribeAnswerer.Answer answer = answerer.answer(request, source, sourcePort, interfaceName,
                    localAddress, multicast);
            if (answer.status() != 0) {
                respond(request, answer, source, sourcePort);
            }
            if (answer.sighting() != null) {
                sightings.accept(answer.sighting());
            }
        } catch (Exception e) {
            badInput.warn("Could not answer {} from {}:{}: {}", request.getMethod(), source, sourcePort,
                    LogText.of(e.toString()));
        }
    }

    private void respond(Request request, SubscribeAnswerer.Answer answer, String source, int sourcePort)
            throws ParseException, SipException, InvalidArgumentException {
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
        int status = answer.status();
        Response response = messages.createResponse(status, request);
        if (answer.toTag() != null) {
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(answer.toTag());
        }
        if (request.getMethod().equals(Request.SUBSCRIBE) && status == Response.OK) {
            response.setHeader(headers.createExpiresHeader(0));
            SipURI us = addresses.createSipURI(null, address);
            us.setPort(config.port());
            response.setHeader(headers.createContactHeader(addresses.createAddress(us)));
        }
        if (status == Response.METHOD_NOT_ALLOWED || request.getMethod().equals(Request.OPTIONS)) {
            NotifySender.allow(headers, response);
        }
        if (status == Response.BAD_EVENT) {
            response.setHeader(headers.createHeader("Allow-Events", PnpSubscribe.EVENT_PACKAGE));
        }
        p.sendResponse(response);
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        if (Request.ACK.equals(request.getMethod())) {
            return;
        }
        String source = request instanceof SIPMessage m && m.getRemoteAddress() != null
                ? m.getRemoteAddress().getHostAddress() : "";
        int port = request instanceof SIPMessage m ? m.getRemotePort() : 0;
        if (request instanceof SIPMessage m && m.getApplicationData() == StrictSyntax.Violation.VERSION) {
            try {
                respond(request, SubscribeAnswerer.Answer.VERSION_NOT_SUPPORTED, source, port);
            } catch (Exception e) {
                badInput.warn("Could not answer {} from {}:{}: {}", request.getMethod(), source, port,
                        LogText.of(e.toString()));
            }
            return;
        }
        // Answered statelessly, as on the group socket: a retransmission is recognised by its Call-ID, CSeq
        // and source (RecentRequests) and answered again. A server transaction per phone would cost a Timer J
        // of 32 s each in a boot storm and drop retransmissions that overtake the answer.
        boolean local = loopbackProvider != null && event.getSource() == loopbackProvider;
        handle(request, source, port, "", local ? LOOPBACK : address, false);
    }

    @Override
    public void processResponse(ResponseEvent event) {
        notifyAnswers.accept(event.getResponse());
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        // no transactions of ours: NOTIFY timeouts are the NotifySender's own Timer F
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
