package pnp.sip.internal;

import java.time.Instant;

import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.message.SIPMessage;
import pnp.api.MacAddress;
import pnp.api.PhoneSighting;

/**
 * Decides the answer to one request that reached us, from either socket: the rules of PnP, without any
 * socket. Answers SUBSCRIBEs of the {@value PnpSubscribe#EVENT_PACKAGE} package with 200 (a new sighting
 * the first time, none for a retransmission), other packages with 489, OPTIONS with 200, other methods with
 * 405 on unicast and nothing on the group; drops a source's SUBSCRIBEs past its rate and refuses oversized
 * ones with 513 (unicast). Keeps the SUBSCRIBE's dialog for the NOTIFY.
 *
 * <p>One per configuration; called on the group receiver thread and the stack's threads at once. Never
 * throws for a message the reader let through, never blocks, never sends.
 */
final class SubscribeAnswerer {

    /**
     * What to do with a request.
     *
     * @param status the response's status code, 0 for none
     * @param toTag our To tag for a 200 to a SUBSCRIBE, else null
     * @param sighting the phone heard, for the inventory; null when nothing new was heard
     */
    record Answer(int status, String toTag, PhoneSighting sighting) {
        static final Answer NONE = new Answer(0, null, null);
        static final Answer OK = new Answer(Response.OK, null, null);
        static final Answer BAD_EVENT = new Answer(Response.BAD_EVENT, null, null);
        static final Answer NOT_ALLOWED = new Answer(Response.METHOD_NOT_ALLOWED, null, null);
        static final Answer TOO_LARGE = new Answer(Response.MESSAGE_TOO_LARGE, null, null);
        static final Answer VERSION_NOT_SUPPORTED = new Answer(Response.VERSION_NOT_SUPPORTED, null, null);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SubscribeAnswerer.class);
    /** A PnP SUBSCRIBE is well under 2 KB; anything this large is not a booting phone. */
    static final int MAX_SUBSCRIBE_BYTES = 8192;

    private final SourceLimiter limiter;
    private final double perSecond;
    private final String advertisedHost;
    private final RecentRequests recent;
    private final Dialogs dialogs;
    private final RateLimitedLog badInput = new RateLimitedLog(LOG, 10_000);
    private final RateLimitedLog flood = new RateLimitedLog(LOG, 10_000);

    /**
     * @param subscribesPerSecond a source's SUBSCRIBEs past this rate (after the burst) are dropped
     * @param advertisedHost the host phones reach us at, empty for our address on the interface of arrival
     */
    SubscribeAnswerer(double subscribesPerSecond, int burst, String advertisedHost, RecentRequests recent,
            Dialogs dialogs) {
        this.limiter = new SourceLimiter(subscribesPerSecond, burst, 100_000);
        this.perSecond = subscribesPerSecond;
        this.advertisedHost = advertisedHost;
        this.recent = recent;
        this.dialogs = dialogs;
    }

    /**
     * @param source the datagram's source address
     * @param sourcePort its port
     * @param interfaceName the interface it arrived on, empty when unknown
     * @param localAddress our address on that interface
     * @param multicast whether it came to the group
     */
    Answer answer(Request request, String source, int sourcePort, String interfaceName, String localAddress,
            boolean multicast) {
        switch (request.getMethod()) {
            case Request.SUBSCRIBE:
                return subscribe(request, source, sourcePort, interfaceName, localAddress, multicast);
            case Request.OPTIONS:
                return Answer.OK;
            case Request.ACK:
                return Answer.NONE;
            default:
                return multicast ? Answer.NONE : Answer.NOT_ALLOWED;
        }
    }

    private Answer subscribe(Request request, String source, int sourcePort, String interfaceName,
            String localAddress, boolean multicast) {
        if (!limiter.allow(source, System.nanoTime())) {
            flood.warn("Dropping SUBSCRIBEs from {}: more than {}/s (pnp.sip subscribesPerSecond)", source, perSecond);
            return Answer.NONE;
        }
        int size = request instanceof SIPMessage m ? m.getSize() : 0;
        if (size > MAX_SUBSCRIBE_BYTES) {
            badInput.warn("Refused a {}-byte SUBSCRIBE from {}:{} (a phone's is under {} bytes): answered 513", size,
                    source, sourcePort, MAX_SUBSCRIBE_BYTES);
            return multicast ? Answer.NONE : Answer.TOO_LARGE;
        }
        String eventValue = PnpSubscribe.eventValue(request);
        if (!PnpSubscribe.EVENT_PACKAGE.equals(PnpSubscribe.eventPackage(eventValue))) {
            return Answer.BAD_EVENT;
        }
        CallIdHeader callId = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        String key = RecentRequests.key(callId.getCallId(), cseq.getSeqNumber(), source);
        String ourTag = recent.tagFor(key);
        if (recent.seenBefore(key)) {
            return new Answer(Response.OK, ourTag, null); // answered again, not a new sighting
        }
        PnpSubscribe sub = PnpSubscribe.read(request, eventValue, source, sourcePort);
        if (sub.mac().isEmpty()) {
            badInput.warn("PnP SUBSCRIBE from {} (User-Agent '{}') names no MAC address: answered, not recorded", source,
                    LogText.of(sub.userAgent()));
            return new Answer(Response.OK, ourTag, null);
        }
        MacAddress mac = sub.mac().get();
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        if (!dialogs.keep(mac, new Dialogs.Dialog(callId.getCallId(), from.getAddress().toString(), from.getTag(),
                to.getAddress().toString(), ourTag, sub.contactHost(), sub.contactPort(), System.nanoTime()))) {
            flood.warn("{} phones heard in the last hour are still waiting for a NOTIFY: phone {}'s will go out of"
                    + " its SUBSCRIBE's dialog", Dialogs.MAX_DIALOGS, mac);
        }
        PhoneSighting sighting = new PhoneSighting(mac, sub.vendor(), sub.model(), sub.firmware(), sub.userAgent(),
                sub.contactHost(), sub.contactPort(), source, sourcePort, interfaceName,
                advertisedHost.isEmpty() ? localAddress : advertisedHost, multicast, Instant.now());
        return new Answer(Response.OK, ourTag, sighting);
    }
}
