package pnp.vendor.grandstream.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
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
 * Provisions Grandstream GXP/GRP phones: claims them by Event vendor, User-Agent or OUI, renders
 * {@code cfg<mac>.xml} from a FreeMarker template and the legacy binary {@code cfg<mac>} from the same
 * P-values, and tells the phone a file URL or, for models that want one, a folder URL.
 *
 * <p>Threading: {@link #claim} and {@link #render} run concurrently on any thread. The settings are
 * one immutable {@link ProfileSettings} in a volatile field, replaced as a whole by {@link #modified};
 * a render uses the snapshot it read first. The {@link TemplateLibrary} is thread-safe.
 */
@Component(service = VendorProfile.class, configurationPid = GrandstreamProfile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@VendorProfileService(pnp_vendor = "Grandstream")
@Designate(ocd = GrandstreamProfile.Config.class)
public class GrandstreamProfile implements VendorProfile {

    static final String PID = "pnp.vendor.grandstream";
    static final String VENDOR = "Grandstream";
    /** Organisationally unique identifiers Grandstream ships phones with. */
    static final Set<String> OUIS = Set.of("000b82", "c074ad", "ec74d7");
    static final String XML_TEMPLATE = "cfg.xml.ftl";
    static final String XML_TYPE = "application/xml";
    static final String BINARY_TYPE = "application/octet-stream";
    /**
     * {@code Event: resync} (what FusionPBX and others send Grandstream phones; Grandstream's manuals
     * list check-sync, resync and reboot as provisioning NOTIFYs). The phone challenges it: the
     * template's P4428 "Disable SIP NOTIFY Authentication" defaults to 0. It reboots after a download
     * that changed its configuration, as the PnP guide describes for the first provisioning.
     */
    static final ResyncEvent RESYNC = new ResyncEvent("resync", true, true, false);

    private static final Logger LOG = LoggerFactory.getLogger(GrandstreamProfile.class);

    @ObjectClassDefinition(name = "PnP Grandstream profile",
            description = "How Grandstream GXP/GRP phones are provisioned")
    public @interface Config {

        @AttributeDefinition(name = "SIP server", required = false,
                description = "Registrar host written to P47; empty uses the host phones reach this server by")
        String sipServer() default "";

        @AttributeDefinition(name = "SIP port", min = "1", max = "65535",
                description = "Registrar port when the assignment names none; other than 5060 it is written as host:port")
        int sipPort() default 5060;

        @AttributeDefinition(name = "Codecs",
                description = "Vocoder order when the assignment names none: PCMU, PCMA, G722, G729, G726-32, G723, ILBC, OPUS")
        String[] codecs() default {"PCMU", "PCMA", "G722"};

        @AttributeDefinition(name = "Time zone", required = false,
                description = "P64, e.g. auto or EST+5EDT,M3.2.0/02:00:00,M11.1.0/02:00:00; empty leaves the phone's")
        String timeZone() default "";

        @AttributeDefinition(name = "NTP server", required = false, description = "P30; empty leaves the phone's")
        String ntpServer() default "";

        @AttributeDefinition(name = "Language", required = false,
                description = "P1362, e.g. en, de, auto; empty leaves the phone's")
        String language() default "";

        @AttributeDefinition(name = "Folder URL models",
                description = "Model prefixes whose NOTIFY carries the folder URL (ending in /) instead of the file URL")
        String[] folderUrlModels() default {"GRP26"};

        @AttributeDefinition(name = "Binary file", description = "Also serve the legacy binary cfg<mac>")
        boolean binary() default true;

        @AttributeDefinition(name = "XML file", description = "Serve cfg<mac>.xml")
        boolean xml() default true;

        @AttributeDefinition(name = "Firmware server", required = false,
                description = "P192 with P6767 from its scheme (http, https, tftp, ftp, ftps), e.g. https://fw.example.com/gs; empty leaves the phone's")
        String firmwareServer() default "";

        @AttributeDefinition(name = "Admin password", type = AttributeType.PASSWORD, required = false,
                description = "P2, letters and digits only; empty leaves the phone's")
        String adminPassword() default "";

        @AttributeDefinition(name = "HTTPS provisioning",
                description = "Config via HTTPS (P212=2) even when the provisioning URL is http")
        boolean httpsProvisioning() default false;

        @AttributeDefinition(name = "Periodic check (minutes)", min = "0", max = "86400",
                description = "0: off. Otherwise P194=1 and P193: the phone checks its config server every so many minutes "
                        + "(60-86400), so it converges even when it missed every resync NOTIFY. It also checks the "
                        + "firmware server (P192) then: set a firmware server, or override P238")
        int periodicCheckMinutes() default 0;
    }

    private final TemplateLibrary templates;
    private volatile ProfileSettings settings;

    @Activate
    public GrandstreamProfile(BundleContext context, Config config) {
        this(homeOf(context), config);
    }

    GrandstreamProfile(Path home, Config config) {
        this.templates = new TemplateLibrary(home.resolve("templates").resolve("grandstream"), GrandstreamProfile.class);
        this.settings = ProfileSettings.of(config);
        LOG.debug("Grandstream profile active, template overrides under {}", templates.overrideRoot());
    }

    @Modified
    void modified(Config config) {
        settings = ProfileSettings.of(config);
        LOG.debug("Grandstream profile settings changed: {}", settings);
    }

    private static Path homeOf(BundleContext context) {
        String home = context.getProperty("pnp.home");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.dir");
        }
        return Path.of(home);
    }

    @Override
    public Claim claim(PhoneSighting phone) {
        if (VENDOR.equalsIgnoreCase(phone.vendor())) {
            return Claim.mine("Event vendor is Grandstream");
        }
        if (phone.userAgent().regionMatches(true, 0, VENDOR, 0, VENDOR.length())) {
            return Claim.mine("User-Agent starts with Grandstream");
        }
        String oui = phone.mac().oui();
        if (OUIS.contains(oui)) {
            return Claim.mine("OUI " + oui + " is Grandstream");
        }
        return Claim.notMine("neither Event vendor, User-Agent nor OUI " + oui + " is Grandstream");
    }

    @Override
    public Claim claim(MacAddress mac) {
        String oui = mac.oui();
        return OUIS.contains(oui)
                ? Claim.mine("OUI " + oui + " is Grandstream")
                : Claim.notMine("OUI " + oui + " is not Grandstream");
    }

    @Override
    public Optional<ResyncEvent> resyncEvent(Phone phone) {
        return Optional.of(RESYNC);
    }

    /** P1360/P1361: the phone sends the user and password of its file with every later download (basic or digest). */
    @Override
    public boolean supportsHttpCredentials() {
        return true;
    }

    @Override
    public Rendering render(RenderRequest request) {
        ProfileSettings current = settings;
        if (!current.xml() && !current.binary()) {
            throw new IllegalArgumentException("the Grandstream profile serves no file: both xml and binary are off");
        }
        String mac = request.mac().value();
        String model = fileSafeModel(request.model());
        Map<String, String> values = PValues.of(request, current);

        List<ProvisioningFile> files = new ArrayList<>(2);
        if (current.xml()) {
            Map<String, Object> dataModel = Map.of(
                    "mac", mac,
                    "model", request.model(),
                    "values", PValues.asEntries(values),
                    "p", values);
            String xml = templates.render(XML_TEMPLATE, request.mac(), model, dataModel);
            Set<String> aliases = new LinkedHashSet<>();
            if (!model.isEmpty()) {
                aliases.add("cfg" + model + ".xml");
            }
            aliases.add("cfg.xml");
            files.add(new ProvisioningFile("cfg" + mac + ".xml", aliases, xml.getBytes(StandardCharsets.UTF_8),
                    XML_TYPE, ProvisioningFile.Scope.PHONE));
        }
        if (current.binary()) {
            files.add(ProvisioningFile.phone("cfg" + mac, BinaryConfig.encode(request.mac(), values), BINARY_TYPE,
                    "cfg" + mac + ".bin"));
        }
        return new Rendering(files, notifyUrl(request, current, mac), Rendering.APPLICATION_URL);
    }

    /**
     * The folder URL for models that only accept one, else the URL of the first file the phone would
     * ask for: the binary when it is served, else the XML.
     */
    private static String notifyUrl(RenderRequest request, ProfileSettings settings, String mac) {
        String base = request.httpBase().endsWith("/") ? request.httpBase() : request.httpBase() + "/";
        if (settings.wantsFolderUrl(request.model())) {
            return base;
        }
        return base + "cfg" + mac + (settings.binary() ? "" : ".xml");
    }

    /**
     * The model in lower case when it can be part of a file or directory name, else empty: the model
     * comes off the network.
     */
    static String fileSafeModel(String model) {
        String lower = Objects.requireNonNullElse(model, "").toLowerCase(Locale.ROOT);
        return lower.matches("[a-z0-9][a-z0-9._-]{0,63}") && !lower.contains("..") ? lower : "";
    }
}
