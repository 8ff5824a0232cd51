package pnp.vendor.yealink.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Claim;
import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.ProvisioningFile;
import pnp.api.RenderRequest;
import pnp.api.Rendering;
import pnp.api.ResyncEvent;
import pnp.api.VendorProfile;
import pnp.api.VendorProfileService;

/**
 * Provisions Yealink phones: claims them by Event vendor, User-Agent or OUI, renders the per-phone
 * auto-provisioning file {@code <mac>.cfg} ({@link YealinkFile}) and tells the phone its URL.
 *
 * <p>Threading: {@link #claim} and {@link #render} run concurrently on any thread. The settings are
 * one immutable {@link YealinkSettings} in a volatile field, replaced as a whole by {@link #modified};
 * a render uses the snapshot it read first.
 */
@Component(service = VendorProfile.class, configurationPid = YealinkProfile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@VendorProfileService(pnp_vendor = YealinkProfile.VENDOR)
@Designate(ocd = YealinkProfile.Config.class)
public class YealinkProfile implements VendorProfile {

    static final String PID = "pnp.vendor.yealink";
    static final String VENDOR = "Yealink";
    static final String CONTENT_TYPE = "text/plain; charset=UTF-8";

    private static final Logger LOG = LoggerFactory.getLogger(YealinkProfile.class);

    @ObjectClassDefinition(name = "PnP Yealink profile", description = "How Yealink phones are provisioned")
    public @interface Config {

        @AttributeDefinition(name = "SIP server", required = false,
                description = "Registrar host when the assignment names none; empty uses the host phones reach this server by")
        String sipServer() default "";

        @AttributeDefinition(name = "SIP port", min = "1", max = "65535",
                description = "Registrar port when the assignment names none")
        int sipPort() default 5060;

        @AttributeDefinition(name = "Codecs", required = false,
                description = "Codec order when the assignment names none: PCMU, PCMA, G722, G729, G726-32, OPUS; empty leaves the phone's")
        String[] codecs() default {};

        @AttributeDefinition(name = "OUIs",
                description = "MAC prefixes (6 hex digits) that mark a phone as Yealink's")
        String[] ouis() default {"001565", "805ec0", "805e0c", "249ad8", "c4fc22"};

        @AttributeDefinition(name = "Folder URL in NOTIFY",
                description = "Send the phone's folder (ending in /) instead of the URL of its <mac>.cfg")
        boolean folderUrl() default false;

        @AttributeDefinition(name = "Reboot on resync",
                description = "The resync NOTIFY says check-sync;reboot=true instead of reboot=false: the phone restarts, "
                        + "dropping calls, but applies settings that need a restart")
        boolean resyncReboot() default false;

        @AttributeDefinition(name = "Periodic check (minutes)", min = "0", max = "43200",
                description = "0: off. Otherwise static.auto_provision.repeat.enable/minutes: the phone checks its file every "
                        + "so many minutes, so it converges even when it missed every resync NOTIFY")
        int periodicCheckMinutes() default 0;
    }

    private volatile YealinkSettings settings;

    @Activate
    public YealinkProfile(Config config) {
        this(YealinkSettings.of(config));
    }

    YealinkProfile(YealinkSettings settings) {
        this.settings = settings;
        LOG.debug("Yealink profile active: {}", settings);
    }

    @Modified
    void modified(Config config) {
        try {
            settings = YealinkSettings.of(config);
            LOG.debug("Yealink profile settings changed: {}", settings);
        } catch (IllegalArgumentException e) {
            LOG.warn("Yealink profile keeps its previous settings: {}", e.getMessage());
        }
    }

    @Override
    public Claim claim(PhoneSighting phone) {
        if (VENDOR.equalsIgnoreCase(phone.vendor().strip())) {
            return Claim.mine("Event vendor is Yealink");
        }
        if (phone.userAgent().regionMatches(true, 0, VENDOR, 0, VENDOR.length())) {
            return Claim.mine("User-Agent starts with Yealink");
        }
        String oui = phone.mac().oui();
        if (settings.ouis().contains(oui)) {
            return Claim.mine("OUI " + oui + " is Yealink");
        }
        return Claim.notMine("neither Event vendor, User-Agent nor OUI " + oui + " is Yealink");
    }

    @Override
    public Claim claim(MacAddress mac) {
        String oui = mac.oui();
        return settings.ouis().contains(oui)
                ? Claim.mine("OUI " + oui + " is Yealink")
                : Claim.notMine("OUI " + oui + " is not Yealink");
    }

    /**
     * {@code check-sync;reboot=false} (or {@code true} with {@code resyncReboot}): Yealink's documented
     * resync. The file sets {@code sip.notify_reboot_enable=0} so the parameter is obeyed.
     */
    @Override
    public Optional<ResyncEvent> resyncEvent(Phone phone) {
        boolean reboot = settings.resyncReboot();
        return Optional.of(new ResyncEvent("check-sync;reboot=" + reboot, reboot, false, false));
    }

    /** static.auto_provision.server.username/password: used for every later download (basic or digest). */
    @Override
    public boolean supportsHttpCredentials() {
        return true;
    }

    @Override
    public Rendering render(RenderRequest request) {
        YealinkSettings current = settings;
        String name = YealinkFile.name(request.mac());
        byte[] content = YealinkFile.write(YealinkFile.values(request, current)).getBytes(StandardCharsets.UTF_8);
        String folder = request.httpBase().endsWith("/") ? request.httpBase() : request.httpBase() + "/";
        return new Rendering(List.of(ProvisioningFile.phone(name, content, CONTENT_TYPE)),
                current.folderUrl() ? folder : folder + name, Rendering.APPLICATION_URL);
    }
}
