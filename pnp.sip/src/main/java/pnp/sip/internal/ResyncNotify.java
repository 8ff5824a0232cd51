package pnp.sip.internal;

import java.text.ParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.SubscriptionStateHeader;
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
import pnp.api.ResyncOutcome;
import pnp.api.ResyncRequest;

/**
 * One resync NOTIFY: an out-of-dialog {@code NOTIFY} with the vendor's {@code Event}, {@code Subscription-State:
 * terminated} and no body (as PBXs send {@code check-sync}), to the request's contact, sent and retransmitted
 * by the {@link NotifySender}. A 401/407 is answered once with the digest of the credentials the phone holds
 * ({@link ResyncRequest#credentials()}: its last downloaded file's, not an edited assignment's), in a new request of the same Call-ID with the next CSeq (RFC 3261 22.2); a second
 * challenge means the phone refuses those credentials.
 *
 * <p>Its answers arrive on the stack's threads and its requests are built on the sender's; the stage
 * completes on either. The password goes into the digest only: neither the request nor any log line
 * carries it.
 */
final class ResyncNotify implements NotifySender.Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(ResyncNotify.class);
    private static final AtomicLong TAGS = new AtomicLong(System.nanoTime());
    private static final MessageFactory MESSAGES = new MessageFactoryImpl();
    private static final HeaderFactory HEADERS = new HeaderFactoryImpl();
    private static final AddressFactory ADDRESSES = new AddressFactoryImpl();

    private final NotifySender sender;
    private final ResyncRequest to;
    private final CompletableFuture<ResyncOutcome> result = new CompletableFuture<>();
    private final String fromTag = Long.toHexString(TAGS.incrementAndGet());
    /** Set by the first request built: the digest retry keeps it. */
    private volatile String callId;
    /** The challenge being answered, null for the first request. */
    private volatile Response challenge;

    private ResyncNotify(NotifySender sender, ResyncRequest to) {
        this.sender = sender;
        this.to = to;
    }

    /** Starts sending; the stage completes with the outcome. Never blocks. */
    static CompletableFuture<ResyncOutcome> send(NotifySender sender, ResyncRequest to) {
        ResyncNotify notify = new ResyncNotify(sender, to);
        notify.result.thenAccept(outcome -> LOG.info("Resync NOTIFY ({}) to phone {} at {}:{}: {} {}",
                LogText.of(to.event().event()), to.mac(), LogText.of(to.contactHost()), to.contactPort(),
                outcome.result(), LogText.of(outcome.detail())));
        sender.start(notify);
        return notify.result;
    }

    @Override
    public Request request(String ourAddress, int ourPort) throws ParseException, InvalidArgumentException {
        if (callId == null) {
            callId = Utils.getInstance().generateCallIdentifier(ourAddress);
        }
        Response answering = challenge;
        // the user part names the line, as in the Contact the phone registers: phones with several accounts
        // (Cisco SPA) pick by it which account's credentials they challenge for
        SipURI target = ADDRESSES.createSipURI(to.assignment().sipUserId(), to.contactHost());
        target.setPort(to.contactPort());
        SipURI us = ADDRESSES.createSipURI(null, ourAddress);
        us.setPort(ourPort);
        ViaHeader via = HEADERS.createViaHeader(ourAddress, ourPort, ListeningPoint.UDP,
                Utils.getInstance().generateBranchId());
        via.setRPort();
        Request notify = MESSAGES.createRequest(target, Request.NOTIFY, HEADERS.createCallIdHeader(callId),
                HEADERS.createCSeqHeader(answering == null ? 1L : 2L, Request.NOTIFY),
                HEADERS.createFromHeader(ADDRESSES.createAddress(us), fromTag),
                HEADERS.createToHeader(ADDRESSES.createAddress(target), null), List.of(via),
                HEADERS.createMaxForwardsHeader(70));
        notify.setHeader(HEADERS.createHeader("Event", to.event().event()));
        notify.setHeader(HEADERS.createSubscriptionStateHeader(SubscriptionStateHeader.TERMINATED));
        notify.setHeader(HEADERS.createContactHeader(ADDRESSES.createAddress(us)));
        notify.setHeader(HEADERS.createContentLengthHeader(0));
        if (answering != null) {
            try {
                AuthorizationHeader authorization = Digest.answer(HEADERS, answering, notify, to.credentials().authId(),
                        to.credentials().password());
                notify.setHeader(authorization);
            } catch (Digest.Unanswerable e) {
                // cannot happen: checked when the challenge came (answered below)
                throw new ParseException(e.getMessage(), 0);
            }
        }
        return notify;
    }

    @Override
    public void answered(Response r) {
        int code = r.getStatusCode();
        String status = code + " " + LogText.field(r.getReasonPhrase(), 80);
        if (code < 300) {
            result.complete(ResyncOutcome.accepted(code, status));
        } else if (code == Response.UNAUTHORIZED || code == Response.PROXY_AUTHENTICATION_REQUIRED) {
            challenged(r, status);
        } else {
            result.complete(ResyncOutcome.rejected(code, status));
        }
    }

    private void challenged(Response r, String status) {
        if (challenge != null) {
            result.complete(ResyncOutcome.demandsAuthentication(r.getStatusCode(), status
                    + " again: the phone refused the digest of " + LogText.field(to.credentials().authId(), 80)));
            return;
        }
        try {
            Digest.check(r);
        } catch (Digest.Unanswerable e) {
            result.complete(ResyncOutcome.demandsAuthentication(r.getStatusCode(), status + ", and "
                    + LogText.field(e.getMessage(), 160)));
            return;
        }
        challenge = r;
        sender.start(this);
    }

    @Override
    public void ended(NotifySender.Ending why, String detail) {
        String after = challenge == null ? "" : " (after answering the phone's challenge)";
        result.complete(why == NotifySender.Ending.NOT_SENT ? ResyncOutcome.notSent(detail)
                : ResyncOutcome.noAnswer(detail + after));
    }
}
