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
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import pnp.api.PhoneNotifier.NotifyOutcome;
import pnp.api.PhoneSighting;
import pnp.api.Rendering;

/**
 * Sends NOTIFYs statelessly and retransmits them itself as RFC 3261 17.1.2.2 asks (Timer E from T1 = 500 ms
 * doubling up to T2 = 4 s, given up at Timer F = 64 x T1), until a final answer with the same Via branch
 * arrives. A JAIN-SIP client transaction per NOTIFY would keep the request, its answer and three timers for
 * 5 s after the answer (Timer K); in a boot storm that is most of the heap and of the collector's work.
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
    private static final List<String> ALLOW = List.of(Request.SUBSCRIBE, Request.NOTIFY, Request.OPTIONS);

    /** A NOTIFY on its way, and the endpoint address it went out from (an answer comes back there). */
    private record Pending(Request request, String address, int port, CompletableFuture<NotifyOutcome> result,
            long deadline) {
    }

    private final Supplier<SipEndpoint> endpoint;
    private final Dialogs dialogs;
    /** By the branch of their Via. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
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

    CompletionStage<NotifyOutcome> send(PhoneSighting to, String url, String contentType) {
        CompletableFuture<NotifyOutcome> result = new CompletableFuture<>();
        result.thenAccept(outcome -> notifyLog.outcome(to, outcome));
        try {
            thread.execute(() -> sendNow(result, to, url, contentType));
        } catch (RejectedExecutionException e) {
            result.complete(new NotifyOutcome(false, 0, "SIP listener stopped"));
        }
        return result;
    }

    /** A final answer to a NOTIFY of ours (any other response is ignored). Called on the stack's threads. */
    void answered(Response r) {
        ViaHeader via = (ViaHeader) r.getHeader(ViaHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        if (r.getStatusCode() < 200 || via == null || via.getBranch() == null || cseq == null
                || !Request.NOTIFY.equals(cseq.getMethod())) {
            return; // a provisional answer: keep retransmitting (RFC 3261 17.1.2.2 would slow to T2)
        }
        Pending p = pending.remove(via.getBranch());
        if (p != null) {
            int code = r.getStatusCode();
            p.result().complete(new NotifyOutcome(code < 300, code, code + " " + r.getReasonPhrase()));
        }
    }

    /** Stops sending; what is queued completes as not sent, what is pending as stopped. */
    void close() throws InterruptedException {
        thread.shutdown(); // what is queued still completes: "SIP stack is not listening"
        thread.awaitTermination(5, TimeUnit.SECONDS);
        pending.values().forEach(p -> p.result().complete(new NotifyOutcome(false, 0, "SIP listener stopped")));
        pending.clear();
        notifyLog.flush();
    }

    private void sendNow(CompletableFuture<NotifyOutcome> result, PhoneSighting to, String url, String contentType) {
        SipEndpoint now = endpoint.get();
        if (!now.listening()) {
            result.complete(new NotifyOutcome(false, 0, "SIP stack is not listening: " + now.problem()));
            return;
        }
        String branch = null;
        try {
            Request notify = notifyRequest(now.address(), now.port(), to, url, contentType);
            branch = ((ViaHeader) notify.getHeader(ViaHeader.NAME)).getBranch();
            pending.put(branch, new Pending(notify, now.address(), now.port(), result,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timerFMillis)));
            now.send(notify);
            notifyLog.sent(to);
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
            thread.schedule(() -> retransmit(branch, afterMillis), afterMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            Pending p = pending.remove(branch);
            if (p != null) {
                p.result().complete(new NotifyOutcome(false, 0, "SIP listener stopped"));
            }
        }
    }

    /** Timer E fired: send the NOTIFY again unless it was answered; give up at Timer F. */
    private void retransmit(String branch, long lastInterval) {
        Pending p = pending.get(branch);
        if (p == null) {
            return; // answered
        }
        if (System.nanoTime() - p.deadline() >= 0) {
            if (pending.remove(branch, p)) {
                p.result().complete(new NotifyOutcome(false, 0, "no answer (timeout)"));
            }
            return;
        }
        // A configuration change restarts the endpoint: while it listens on the same address and port, the
        // phone's answer still reaches us, so the new one carries on sending (none is sent while it restarts).
        SipEndpoint now = endpoint.get();
        if (!now.address().equals(p.address()) || now.port() != p.port()) {
            if (pending.remove(branch, p)) {
                p.result().complete(new NotifyOutcome(false, 0, "SIP listener moved to " + now.address() + ":"
                        + now.port() + " before an answer"));
            }
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
        SipURI target = addresses.createSipURI(null, to.contactHost());
        target.setPort(to.contactPort());
        SipURI us = addresses.createSipURI(null, ourAddress);
        us.setPort(ourPort);
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

    /** Adds the Allow headers of what we answer. */
    static void allow(HeaderFactory headers, javax.sip.message.Message message) throws ParseException {
        for (String method : ALLOW) {
            message.addHeader(headers.createAllowHeader(method));
        }
    }
}
