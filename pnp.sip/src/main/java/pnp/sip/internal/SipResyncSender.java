package pnp.sip.internal;

import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import pnp.api.ResyncOutcome;
import pnp.api.ResyncRequest;
import pnp.api.ResyncSender;
import pnp.api.ResyncSenderService;

/**
 * The built-in {@link ResyncSender}: sends the resync NOTIFY from this server's SIP stack (see
 * {@link ResyncNotify}). Registered with {@link ResyncSender#BUILT_IN_RANKING}, so that a PBX's own sender
 * takes over by being registered at all; a component of its own because a ranking on {@link SipComponent}
 * would rank its other services too.
 */
@Component(service = ResyncSender.class)
@ResyncSenderService(pnp_resync_sender = SipResyncSender.NAME, service_ranking = ResyncSender.BUILT_IN_RANKING)
public class SipResyncSender implements ResyncSender {

    static final String NAME = "pnp.sip";
    private final SipComponent sip;

    @Activate
    public SipResyncSender(@Reference SipComponent sip) {
        this.sip = sip;
    }

    @Override
    public CompletionStage<ResyncOutcome> send(ResyncRequest request) {
        return sip.resync(request);
    }
}
