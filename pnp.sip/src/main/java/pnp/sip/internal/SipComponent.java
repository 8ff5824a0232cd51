package pnp.sip.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import pnp.api.PhoneInventory;
import pnp.api.PhoneNotifier;
import pnp.api.PhoneSighting;
import pnp.api.ResyncOutcome;
import pnp.api.ResyncRequest;
import pnp.api.ServerStatus;

/**
 * Hears PnP SUBSCRIBEs on the multicast group and on our unicast port, answers them, records each phone in
 * the {@link PhoneInventory}, and sends the NOTIFYs the inventory asks for. A thin DS component: the
 * {@link SipEndpoint} of the configuration in force (replaced whole on a change) hears and answers, the
 * {@link NotifySender} sends; what outlives a configuration (dialogs for the NOTIFY, recent requests, NOTIFYs
 * on their way) lives here. Also registered as itself, for {@link SipResyncSender} in this bundle (the
 * package is not exported, so nothing outside can use it). See README "Design".
 */
@Component(service = { PhoneNotifier.class, ServerStatus.class, SipComponent.class }, configurationPid = "pnp.sip", immediate = true)
@Designate(ocd = SipComponent.Config.class)
public class SipComponent implements PhoneNotifier, ServerStatus {

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

    private final PhoneInventory inventory;
    private final Dialogs dialogs = new Dialogs();
    private final RecentRequests recent = new RecentRequests();
    private final NotifySender notifier;
    private volatile SipEndpoint endpoint;

    @Activate
    public SipComponent(@Reference PhoneInventory inventory, Config config) {
        this.inventory = inventory;
        this.notifier = new NotifySender(() -> endpoint, dialogs, new NotifyLog());
        this.endpoint = start(config);
    }

    @Modified
    void modified(Config config) {
        endpoint.stop();
        endpoint = start(config);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        endpoint.stop();
        notifier.close();
    }

    private SipEndpoint start(Config config) {
        SubscribeAnswerer answerer = new SubscribeAnswerer(config.subscribesPerSecond(), config.burst(),
                config.advertisedHost(), recent, dialogs);
        // the inventory hears of the phone first: the NOTIFY superseded below is over only after it knows
        // where the phone listens now, so it sends the new NOTIFY there rather than count a failure
        SipEndpoint next = new SipEndpoint(config, answerer, sighting -> {
            inventory.sighted(sighting);
            notifier.subscribed(sighting);
        }, notifier::answered);
        next.start();
        return next;
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoint.endpoints();
    }

    @Override
    public CompletionStage<NotifyOutcome> notify(PhoneSighting to, String url, String contentType) {
        return notifier.send(to, url, contentType);
    }

    /** Sends a resync NOTIFY (see {@link ResyncNotify}); never blocks. */
    CompletionStage<ResyncOutcome> resync(ResyncRequest request) {
        return ResyncNotify.send(notifier, request);
    }

    /** Timer F of NOTIFYs; shorter only in tests. */
    void timerFMillis(long millis) {
        notifier.timerFMillis = millis;
    }
}
