package pnp.sip.internal;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.Utils;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.Allow;
import gov.nist.javax.sip.header.AllowList;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import pnp.api.MacAddress;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.Rendering;

/**
 * Sends NOTIFYs statelessly and retransmits them itself as RFC 3261 17.1.2.2 asks (Timer E from T1 = 500 ms
 * doubling up to T2 = 4 s, given up at Timer F = 64 x T1), until a final answer with the same Via branch
 * arrives. A JAIN-SIP client transaction per NOTIFY would keep the request, its answer and three timers for
 * 5 s after the answer (Timer K); in a boot storm that is most of the heap and of the collector's work.
 *
 * <p>Two kinds go through it: the PnP NOTIFY that tells a booting phone where its file is ({@link #send}),
 * and any other request an {@link Exchange} builds, such as the resync NOTIFY and its authenticated
 * repetition ({@link #start}, see {@link ResyncNotify}).
 *
 * <p>A PnP NOTIFY still on its way when the same phone SUBSCRIBEs again from another contact (it rebooted
 * and listens elsewhere now) is superseded ({@link #subscribed}): it ends at once, so that the inventory can
 * send the phone's NOTIFY to where it listens now.
 *
 * <p>Threads: building, sending and retransmitting happen on one thread of ours ({@code pnp-sip-notify}),
 * so the caller (the inventory) never waits for the stack; answers are matched on the stack's threads
 * ({@link #answered}). Lives as long as the component: a NOTIFY on its way survives a restart of the
 * endpoint on the same address and port.
 */
final class NotifySender {

    private static final Logger LOG = LoggerFactory.getLogger(NotifySender.class);
    static final long T1_MILLIS = 500;
    static final long T2_MILLIS = 4000;
    private static final AllowList ALLOW_LIST = new AllowList();

    static {
        for (String method : List.of(Request.SUBSCRIBE, Request.NOTIFY, Request.OPTIONS)) {
            ALLOW_LIST.add(new Allow(method));
        }
    }

    /** Why a request ended without a final answer. */
    enum Ending {
        /** It was never sent: the stack is not listening, or the request could not be built or sent. */
        NOT_SENT,
        /** No final answer before Timer F, or the listener stopped or moved before one came. */
        NO_ANSWER,
        /** The phone SUBSCRIBEd again from another contact: it no longer listens where this went. */
        SUPERSEDED
    }

    /**
     * One request's fate: exactly one of the two methods is called, once, on the stack's threads
     * ({@link #answered}) or ours. Neither may block.
     */
    interface Exchange {
        /** The request to send now, from the endpoint in force (its address goes into Via and Contact). */
        Request request(String ourAddress, int ourPort) throws ParseException, InvalidArgumentException;

        /** A final answer (2xx to 6xx) with the request's Via branch. */
        void answered(Response response);

        /** No final answer will come. */
        void ended(Ending why, String detail);
    }

    /**
     * A request on its way, the endpoint address it went out from (an answer comes back there) and, for a
     * PnP NOTIFY, the phone and contact it went to (a newer SUBSCRIBE from elsewhere supersedes it).
     */
    private record Pending(Request request, String address, int port, Exchange exchange, long deadline,
            MacAddress phone, String contact) {
    }

    private final Supplier<SipEndpoint> endpoint;
    private final Dialogs dialogs;
    /** By the branch of their Via. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** The Via branch of each phone's PnP NOTIFY on its way. */
    private final Map<MacAddress, String> pnpByPhone = new ConcurrentHashMap<>();
    private final AtomicLong tags = new AtomicLong(System.nanoTime());
    private final RateLimitedLog sendProblems = new RateLimitedLog(LOG, 10_000);
    private final MessageFactory messages = new MessageFactoryImpl();
    private final HeaderFactory headers = new HeaderFactoryImpl();
    private final AddressFactory addresses = new AddressFactoryImpl();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pnp-sip-notify");
        t.setDaemon(true);
        return t;
    });
    private final NotifyLog notifyLog;
    /** Timer F; shorter only in tests. */
    volatile long timerFMillis = 64 * T1_MILLIS;

    /** @param endpoint the endpoint of the configuration in force, asked anew for each send */
    NotifySender(Supplier<SipEndpoint> endpoint, Dialogs dialogs, NotifyLog notifyLog) {
        this.endpoint = endpoint;
        this.dialogs = dialogs;
        this.notifyLog = notifyLog;
        thread.scheduleAtFixedRate(notifyLog::flush, 1, 1, TimeUnit.SECONDS);
    }

    /** Sends the PnP NOTIFY to the contact of the phone's SUBSCRIBE; never blocks. */
    CompletionStage<NotifyOutcome> send(PhoneSighting to, String url, String contentType) {
        CompletableFuture<NotifyOutcome> result = new CompletableFuture<>();
        Exchange exchange = new Exchange() {
            @Override
            public Request request(String ourAddress, int ourPort) throws ParseException, InvalidArgumentException {
                return notifyRequest(ourAddress, ourPort, to, url, contentType);
            }

            @Override
            public void answered(Response r) {
                int code = r.getStatusCode();
                finish(new NotifyOutcome(code < 300, code, code + " " + r.getReasonPhrase()));
            }

            @Override
            public void ended(Ending why, String detail) {
                if (why == Ending.SUPERSEDED) {
                    notifyLog.superseded(to, detail); // not a failure: the inventory notifies the new contact
                    result.complete(new NotifyOutcome(false, 0, detail));
                } else {
                    finish(new NotifyOutcome(false, 0, detail));
                }
            }

            private void finish(NotifyOutcome outcome) {
                notifyLog.outcome(to, outcome);
                result.complete(outcome);
            }
        };
        start(exchange, to);
        return result;
    }

    /** Builds the exchange's request on our thread, sends it and retransmits it until it ends; never blocks. */
    void start(Exchange exchange) {
        start(exchange, null);
    }

    private void start(Exchange exchange, PhoneSighting pnpTo) {
        try {
            thread.execute(() -> sendNow(exchange, pnpTo));
        } catch (RejectedExecutionException e) {
            exchange.ended(Ending.NOT_SENT, "SIP listener stopped");
        }
    }

    /**
     * The phone SUBSCRIBEd (a new SUBSCRIBE, not a retransmission): a PnP NOTIFY to it still on its way to
     * another port of the same host ends as superseded, since the phone rebooted and no longer listens
     * there. A SUBSCRIBE from another host supersedes nothing: it may be a stranger naming the MAC. Called on
     * the threads that receive, after the sighting went to the inventory.
     */
    void subscribed(PhoneSighting s) {
        String branch = pnpByPhone.get(s.mac());
        Pending p = branch == null ? null : pending.get(branch);
        String contact = s.contactHost() + ":" + s.contactPort();
        if (p == null || p.contact().equals(contact) || !p.contact().startsWith(s.contactHost() + ":")) {
            // None on its way, or to where the phone still listens (its retransmissions reach it), or the
            // SUBSCRIBE names another host: a phone that rebooted keeps its address and changes its port, while
            // anyone on the LAN can send a SUBSCRIBE naming the MAC (pnp.core decides what it gets).
            return;
        }
        if (!pending.remove(branch, p)) {
            return;
        }
        pnpByPhone.remove(s.mac(), branch);
        p.exchange().ended(Ending.SUPERSEDED, "superseded: the phone subscribed again from " + contact
                + " before it answered at " + p.contact());
    }

    /** A final answer to a request of ours (any other response is ignored). Called on the stack's threads. */
    void answered(Response r) {
        ViaHeader via = (ViaHeader) r.getHeader(ViaHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        if (r.getStatusCode() < 200 || via == null || via.getBranch() == null || cseq == null
                || !Request.NOTIFY.equals(cseq.getMethod())) {
            return; // a provisional answer: keep retransmitting (RFC 3261 17.1.2.2 would slow to T2)
        }
        Pending p = remove(via.getBranch());
        if (p != null) {
            p.exchange().answered(r);
        }
    }

    /** Stops sending; what is queued completes as not sent, what is pending as stopped. */
    void close() throws InterruptedException {
        thread.shutdown(); // what is queued still completes: "SIP stack is not listening"
        thread.awaitTermination(5, TimeUnit.SECONDS);
        for (String branch : List.copyOf(pending.keySet())) {
            end(branch, Ending.NO_ANSWER, "SIP listener stopped");
        }
        notifyLog.flush();
    }

    private void sendNow(Exchange exchange, PhoneSighting pnpTo) {
        SipEndpoint now = endpoint.get();
        if (!now.listening()) {
            exchange.ended(Ending.NOT_SENT, "SIP stack is not listening: " + now.problem());
            return;
        }
        String branch = null;
        try {
            Request request = exchange.request(now.address(), now.port());
            branch = ((ViaHeader) request.getHeader(ViaHeader.NAME)).getBranch();
            MacAddress phone = pnpTo == null ? null : pnpTo.mac();
            pending.put(branch, new Pending(request, now.address(), now.port(), exchange,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timerFMillis), phone,
                    pnpTo == null ? "" : pnpTo.contactHost() + ":" + pnpTo.contactPort()));
            if (phone != null) {
                pnpByPhone.put(phone, branch);
            }
            now.send(request);
            if (pnpTo != null) {
                notifyLog.sent(pnpTo);
            }
            scheduleRetransmission(branch, T1_MILLIS);
        } catch (Exception e) {
            if (branch == null || remove(branch) != null) {
                exchange.ended(Ending.NOT_SENT, "cannot send " + Request.NOTIFY + ": " + e);
            }
        }
    }

    /** Forgets a pending request; null when it was no longer pending (answered, ended). */
    private Pending remove(String branch) {
        Pending p = pending.remove(branch);
        if (p != null && p.phone() != null) {
            pnpByPhone.remove(p.phone(), branch);
        }
        return p;
    }

    private void end(String branch, Ending why, String detail) {
        Pending p = remove(branch);
        if (p != null) {
            p.exchange().ended(why, detail);
        }
    }

    private void scheduleRetransmission(String branch, long afterMillis) {
        try {
            thread.schedule(() -> retransmit(branch, afterMillis), afterMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            end(branch, Ending.NO_ANSWER, "SIP listener stopped");
        }
    }

    /** Timer E fired: send the request again unless it was answered; give up at Timer F. */
    private void retransmit(String branch, long lastInterval) {
        Pending p = pending.get(branch);
        if (p == null) {
            return; // answered or superseded
        }
        if (System.nanoTime() - p.deadline() >= 0) {
            end(branch, Ending.NO_ANSWER, "no answer (timeout)");
            return;
        }
        // A configuration change restarts the endpoint: while it listens on the same address and port, the
        // phone's answer still reaches us, so the new one carries on sending (none is sent while it restarts).
        SipEndpoint now = endpoint.get();
        if (!now.address().equals(p.address()) || now.port() != p.port()) {
            end(branch, Ending.NO_ANSWER, "SIP listener moved to " + now.address() + ":" + now.port()
                    + " before an answer");
            return;
        }
        if (now.listening()) {
            try {
                now.send(p.request());
            } catch (Exception e) {
                sendProblems.warn("Cannot send a NOTIFY again to {}: {}", p.request().getRequestURI(), e.toString());
            }
        }
        scheduleRetransmission(branch, Math.min(2 * lastInterval, T2_MILLIS));
    }

    private Request notifyRequest(String ourAddress, int ourPort, PhoneSighting to, String url, String contentType)
            throws ParseException, InvalidArgumentException {
        Dialogs.Dialog dialog = dialogs.take(to.mac(), to.contactHost(), to.contactPort());
        SipURI target = uri(to.contactHost(), to.contactPort());
        SipURI us = uri(ourAddress, ourPort);
        String callId = dialog != null ? dialog.callId() : Utils.getInstance().generateCallIdentifier(ourAddress);
        Address fromAddress = dialog != null ? addresses.createAddress(dialog.us()) : addresses.createAddress(us);
        String fromTag = dialog != null ? dialog.ourTag() : Long.toHexString(tags.incrementAndGet());
        Address toAddress = dialog != null ? addresses.createAddress(dialog.phone()) : addresses.createAddress(target);
        ViaHeader via = headers.createViaHeader(ourAddress, ourPort, ListeningPoint.UDP,
                Utils.getInstance().generateBranchId());
        via.setRPort();
        ToHeader toHeader = headers.createToHeader(toAddress, dialog != null ? dialog.phoneTag() : null);
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
                toHeader, List.of(via), headers.createMaxForwardsHeader(70), type, body);
        notify.setHeader(headers.createEventHeader(PnpSubscribe.EVENT_PACKAGE));
        SubscriptionStateHeader state = headers.createSubscriptionStateHeader(SubscriptionStateHeader.TERMINATED);
        state.setReasonCode("timeout");
        notify.setHeader(state);
        notify.setHeader(headers.createContactHeader(addresses.createAddress(us)));
        allow(headers, notify);
        return notify;
    }

    /**
     * {@code sip:host:port}, built without the stack's URI parser (which
     * {@link AddressFactory#createSipURI(String, String)} runs on a text it joins first: an eighth of this
     * thread's time). The host comes from a parsed Contact or a socket address; IPv6 gets its brackets.
     */
    static SipURI uri(String host, int port) throws ParseException {
        SipUri uri = new SipUri();
        uri.setHost(host);
        uri.setPort(port);
        return uri;
    }

    /** Adds the Allow headers of what we answer (a copy of one list made once, not three headers made each time). */
    static void allow(HeaderFactory headers, javax.sip.message.Message message) throws ParseException {
        message.setHeader((Header) ALLOW_LIST.clone());
    }
}
