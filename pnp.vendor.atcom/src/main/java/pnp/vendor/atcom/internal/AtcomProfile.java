package pnp.vendor.atcom.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Assignment;
import pnp.api.Claim;
import pnp.api.LineKey;
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
 * Provisions ATCOM phones: claims them by Event vendor, User-Agent or OUI, and renders the phone's
 * {@code <mac>.cfg} plus every model family's common file from FreeMarker templates that the
 * administrator can override under {@code ${pnp.home}/templates/atcom} (see the bundle's README).
 *
 * <p>Threading: {@link #claim} and {@link #render} run concurrently from any thread; they read the
 * current settings from one volatile field, replaced as a whole by {@link #modified}. Rendering
 * reads override templates from the local disk and never touches the network.
 */
@Component(service = VendorProfile.class, configurationPid = AtcomProfile.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@VendorProfileService(pnp_vendor = AtcomProfile.VENDOR)
@Designate(ocd = AtcomProfile.Config.class)
public final class AtcomProfile implements VendorProfile {

    static final String PID = "pnp.vendor.atcom";
    static final String VENDOR = "ATCOM";
    /** ATCOM's IEEE OUI, 80:82:87. */
    static final String OUI = "808287";
    static final String CONTENT_TYPE = "text/plain";

    private static final Logger LOG = LoggerFactory.getLogger(AtcomProfile.class);

    /** Settings of the ATCOM profile (PID {@value AtcomProfile#PID}); every one is optional. */
    @ObjectClassDefinition(name = "PnP ATCOM profile",
            description = "Files and NOTIFY URL for ATCOM phones. File format and template overrides: see the bundle's README.")
    public @interface Config {

        @AttributeDefinition(name = "SIP server",
                description = "Registrar written when an assignment names none; empty: the address phones use to reach this server.")
        String sipServer() default "";

        @AttributeDefinition(name = "SIP port", description = "Registrar port written when an assignment names none.",
                min = "1", max = "65535")
        int sipPort() default 5060;

        @AttributeDefinition(name = "Codecs",
                description = "Codecs in order of preference when an assignment names none (PCMU, PCMA, G722, G729, ...).")
        String[] codecs() default {"PCMU", "PCMA", "G722"};

        @AttributeDefinition(name = "URL scheme",
                description = "How phones fetch files: tftp sends tftp://server as ATCOM's guide shows; http and https send the phone's private folder URL.",
                options = {@Option(label = "TFTP", value = "tftp"), @Option(label = "HTTP", value = "http"),
                        @Option(label = "HTTPS", value = "https")})
        String urlScheme() default "tftp";

        @AttributeDefinition(name = "Time zone",
                description = "Written as-is to the common files in the phone's own notation; empty: not written.")
        String timeZone() default "";

        @AttributeDefinition(name = "NTP server", description = "Written to the common files; empty: not written.")
        String ntpServer() default "";

        @AttributeDefinition(name = "Language",
                description = "Written as-is to the common files in the phone's own notation; empty: not written.")
        String language() default "";

        /**
         * Property {@code .adminPassword}: the leading dot keeps it out of the service properties,
         * where anyone could read it.
         */
        @AttributeDefinition(name = "Admin password", type = AttributeType.PASSWORD,
                description = "The phones' web admin password, written to each phone's own file only; empty: not written.")
        String _adminPassword() default "";

        @AttributeDefinition(name = "Firmware server", description = "Written to the common files; empty: not written.")
        String firmwareServer() default "";

        @AttributeDefinition(name = "Resync event", required = false,
                description = "Event header of the NOTIFY that makes a running phone fetch its files again, e.g. check-sync "
                        + "or resync; empty: phones are not sent one. ATCOM does not document it: see the bundle's README.")
        String resyncEvent() default "check-sync";

        @AttributeDefinition(name = "Resync reboots",
                description = "Whether phones restart after a resync (shown to administrators before they send one).")
        boolean resyncReboots() default true;
    }

    private final AtcomTemplates templates;
    private volatile AtcomSettings settings;

    /** Activation by DS: overrides live under the framework property {@code pnp.home}. */
    @Activate
    public AtcomProfile(BundleContext context, Config config) {
        this(templateRoot(context.getProperty("pnp.home")), AtcomSettings.of(config));
    }

    /**
     * For tests and embedding without OSGi.
     *
     * @param templateRoot the override folder, {@code <home>/templates/atcom}
     */
    AtcomProfile(Path templateRoot, AtcomSettings settings) {
        this.templates = new AtcomTemplates(templateRoot);
        this.settings = settings;
        LOG.debug("ATCOM profile active, template overrides under {}", templateRoot);
    }

    /** The override folder below a home directory; {@code user.dir} when the home is not set. */
    static Path templateRoot(String home) {
        String base = home == null || home.isBlank() ? System.getProperty("user.dir") : home;
        return Path.of(base, "templates", "atcom");
    }

    @Modified
    void modified(Config config) {
        try {
            settings = AtcomSettings.of(config);
            LOG.debug("ATCOM profile settings changed");
        } catch (IllegalArgumentException e) {
            LOG.warn("ATCOM profile keeps its previous settings: {}", e.getMessage());
        }
    }

    @Override
    public Claim claim(PhoneSighting phone) {
        List<String> reasons = new ArrayList<>(3);
        if (phone.vendor().strip().equalsIgnoreCase(VENDOR)) {
            reasons.add("Event vendor is ATCOM");
        }
        if (phone.userAgent().toLowerCase(Locale.ROOT).contains("atcom")) {
            reasons.add("User-Agent names ATCOM");
        }
        if (phone.mac().oui().equals(OUI)) {
            reasons.add("OUI " + OUI + " is ATCOM");
        }
        return reasons.isEmpty()
                ? Claim.notMine("not ATCOM: Event vendor, User-Agent and OUI " + phone.mac().oui() + " do not name ATCOM")
                : Claim.mine(String.join("; ", reasons));
    }

    @Override
    public Claim claim(MacAddress mac) {
        return mac.oui().equals(OUI)
                ? Claim.mine("OUI " + OUI + " is ATCOM")
                : Claim.notMine("OUI " + mac.oui() + " is not ATCOM's");
    }

    /**
     * Renders {@code <mac>.cfg} (phone scope) and the nine family common files (common scope, no
     * credentials), all {@code text/plain}.
     *
     * @throws IllegalArgumentException for an unknown URL scheme, an override key without section,
     *         or a revision without config version
     * @throws IllegalStateException when a template fails
     */
    @Override
    public Optional<ResyncEvent> resyncEvent(Phone phone) {
        return settings.resyncEvent();
    }

    /**
     * Only when the phones fetch over HTTP(S) (urlScheme): the user and password then travel in the
     * provisioning URL of the file. Over TFTP (the default) nothing can authenticate.
     */
    @Override
    public boolean supportsHttpCredentials() {
        return ProvisioningUrl.ofSetting(settings.urlScheme()) != ProvisioningUrl.TFTP;
    }

    @Override
    public Rendering render(RenderRequest request) {
        AtcomSettings s = settings;
        ProvisioningUrl url = ProvisioningUrl.ofSetting(s.urlScheme());
        String version = ConfigVersion.of(request.revision());
        if (url != ProvisioningUrl.TFTP && !request.httpBase().startsWith(url.scheme() + "://")) {
            LOG.warn("ATCOM urlScheme is {} but the server's base URL is {}: phones are sent the base URL",
                    url.scheme(), request.httpBase());
        }

        List<ProvisioningFile> files = new ArrayList<>(1 + ModelFamily.values().length);
        byte[] phoneFile = templates.render(request.mac(), request.model(), AtcomTemplates.PHONE,
                phoneData(request, s, url, version));
        files.add(ProvisioningFile.phone(request.mac().value() + ".cfg", phoneFile, CONTENT_TYPE));
        for (ModelFamily family : ModelFamily.values()) {
            byte[] common = templates.render(null, "", AtcomTemplates.COMMON,
                    commonData(request, s, url, version, family));
            files.add(ProvisioningFile.common(family.fileName(), common, CONTENT_TYPE));
        }
        return new Rendering(files, url.forPhone(request), Rendering.APPLICATION_URL);
    }

    /** The phone template's data model; every string cleaned. Documented in the README. */
    private static Map<String, Object> phoneData(RenderRequest request, AtcomSettings s, ProvisioningUrl url,
            String version) {
        Assignment a = request.assignment();
        Map<String, Object> data = sharedData(request, s, url, version);
        data.put("mac", request.mac().value());
        data.put("macUpper", request.mac().upperCase());
        data.put("model", AtcomText.value(request.model()));

        Map<String, Object> account = new LinkedHashMap<>();
        account.put("extension", AtcomText.value(a.extension()));
        account.put("userId", AtcomText.value(a.sipUserId()));
        account.put("authId", AtcomText.value(a.authId()));
        account.put("password", AtcomText.value(a.password()));
        account.put("displayName", AtcomText.value(a.displayName()));
        account.put("server", AtcomText.value(
                !a.sipServer().isBlank() ? a.sipServer().strip()
                        : !s.sipServer().isEmpty() ? s.sipServer() : request.serverHost()));
        account.put("port", a.sipPort() > 0 ? a.sipPort() : s.sipPort());
        account.put("voicemail", AtcomText.value(a.voicemail()));
        data.put("account", account);

        List<String> codecs = AtcomSettings.codecs(a.codecs());
        data.put("codecs", (codecs.isEmpty() ? s.codecs() : codecs).stream().map(AtcomText::value).toList());
        data.put("lineKeys", a.lineKeys().stream()
                .sorted(Comparator.comparingInt(LineKey::position))
                .map(AtcomProfile::lineKeyData)
                .toList());

        @SuppressWarnings("unchecked")
        Map<String, Object> provisioning = (Map<String, Object>) data.get("provisioning");
        provisioning.put("url", AtcomText.value(url.location(request)));
        provisioning.put("user", AtcomText.value(request.httpUser()));
        provisioning.put("password", AtcomText.value(request.httpPassword()));
        data.put("adminPassword", AtcomText.value(s.adminPassword()));
        overrideData(a.overrides(), data);
        return data;
    }

    /** A common template's data model: nothing secret. Documented in the README. */
    private static Map<String, Object> commonData(RenderRequest request, AtcomSettings s, ProvisioningUrl url,
            String version, ModelFamily family) {
        Map<String, Object> data = sharedData(request, s, url, version);
        data.put("family", family.name());
        data.put("fileName", family.fileName());
        @SuppressWarnings("unchecked")
        Map<String, Object> provisioning = (Map<String, Object>) data.get("provisioning");
        provisioning.put("url", AtcomText.value(url.forEveryPhone(request)));
        return data;
    }

    private static Map<String, Object> sharedData(RenderRequest request, AtcomSettings s, ProvisioningUrl url,
            String version) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", version);
        data.put("revision", request.revision());
        data.put("timeZone", AtcomText.value(s.timeZone()));
        data.put("ntpServer", AtcomText.value(s.ntpServer()));
        data.put("language", AtcomText.value(s.language()));
        data.put("firmwareServer", AtcomText.value(s.firmwareServer()));
        Map<String, Object> provisioning = new LinkedHashMap<>();
        provisioning.put("scheme", url.scheme());
        data.put("provisioning", provisioning);
        return data;
    }

    private static Map<String, Object> lineKeyData(LineKey key) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", key.position());
        m.put("type", key.type().name());
        m.put("value", AtcomText.value(key.value()));
        m.put("label", AtcomText.value(key.label()));
        return m;
    }

    /**
     * Adds {@code overrides} (section name → list of {key, value}, sections and keys sorted) and
     * {@code overridden} ({@code "SECTION/Key"} → value) for the templates' section macros. Raw keys
     * are visited in sorted order, so when two of them clean to the same key the outcome is fixed.
     *
     * @throws IllegalArgumentException for a key not written {@code SECTION/Key}
     */
    private static void overrideData(Map<String, String> overrides, Map<String, Object> data) {
        Map<String, Map<String, String>> sections = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet()) {
            int slash = e.getKey().indexOf('/');
            String section = slash < 0 ? "" : AtcomText.key(e.getKey().substring(0, slash));
            String key = slash < 0 ? "" : AtcomText.key(e.getKey().substring(slash + 1));
            if (section.isEmpty() || key.isEmpty()) {
                throw new IllegalArgumentException("ATCOM override '" + AtcomText.value(e.getKey())
                        + "' must be written SECTION/Key, e.g. 'SIP CONFIG MODULE/SIP1 Register TTL'");
            }
            sections.computeIfAbsent(section, x -> new TreeMap<>()).put(key, AtcomText.value(e.getValue()));
        }
        Map<String, Object> bySection = new LinkedHashMap<>();
        Map<String, Object> overridden = new LinkedHashMap<>();
        sections.forEach((section, entries) -> {
            List<Map<String, String>> list = new ArrayList<>();
            entries.forEach((key, value) -> {
                list.add(Map.of("key", key, "value", value));
                overridden.put(section + '/' + key, value);
            });
            bySection.put(section, list);
        });
        data.put("overrides", bySection);
        data.put("overridden", overridden);
    }
}
