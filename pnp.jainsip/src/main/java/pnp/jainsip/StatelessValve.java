package pnp.jainsip;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.sip.SipListener;
import javax.sip.SipStack;
import javax.sip.message.Response;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.RequestEventExt;
import gov.nist.javax.sip.SipProviderImpl;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;

/**
 * Hands requests of the listed methods straight to the provider's {@link SipListener}, as a stateless
 * {@code RequestEvent} (no server transaction, no dialog), before the stack allocates a server
 * transaction, a request interface and the dialog lookup for them; the stack then drops them.
 * For a listener that answers those methods statelessly anyway (with {@code SipProvider.sendResponse})
 * this is the same event, only cheaper.
 *
 * <p>Stack properties: {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE=pnp.jainsip.StatelessValve} and
 * {@value #METHODS_PROPERTY} (comma separated, default {@value #DEFAULT_METHODS}). The listener must
 * be re-entrant ({@code gov.nist.javax.sip.REENTRANT_LISTENER=true}): it is called on the thread that
 * read the datagram, as the stack itself does with that setting. A request the listener throws on is
 * dropped, as the stack drops it.
 *
 * <p>Responses always take the stack's own way.
 */
public class StatelessValve implements SIPMessageValve {

    public static final String METHODS_PROPERTY = "pnp.jainsip.STATELESS_METHODS";
    public static final String DEFAULT_METHODS = "SUBSCRIBE,OPTIONS";

    /** Read at the first request: the stack calls {@link #init} only 100 ms after it was created. */
    private volatile Set<String> methods;

    @Override
    public void init(SipStack stack) {
        methods(stack);
    }

    private Set<String> methods(Object stack) {
        Set<String> m = methods;
        if (m == null) {
            m = parse(stack instanceof SipStackImpl impl
                    ? impl.getConfigurationProperties().getProperty(METHODS_PROPERTY, DEFAULT_METHODS)
                    : DEFAULT_METHODS);
            methods = m;
        }
        return m;
    }

    private static Set<String> parse(String list) {
        return Stream.of(list.split(",")).map(s -> s.trim().toUpperCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (!methods(channel.getSIPStack()).contains(request.getMethod())) {
            return true;
        }
        ListeningPointImpl lp = channel.getMessageProcessor().getListeningPoint();
        SipProviderImpl provider = lp == null ? null : lp.getProvider();
        SipListener listener = provider == null ? null : provider.getSipListener();
        if (listener == null) {
            return true; // nobody to hand it to: the stack does what it always does
        }
        RequestEventExt event = new RequestEventExt(provider, null, null, request);
        if (request.getRemoteAddress() != null) {
            event.setRemoteIpAddress(request.getRemoteAddress().getHostAddress());
        }
        event.setRemotePort(request.getRemotePort());
        listener.processRequest(event);
        return false;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        return true;
    }

    @Override
    public void destroy() {
        // holds nothing
    }
}
