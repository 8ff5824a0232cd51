package pnp.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Assignment;
import pnp.api.PhoneSighting;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles.Credentials;
import pnp.api.RenderRequest;
import pnp.api.Rendering;

/**
 * Has the claiming profile render one phone's files and publishes them: gives the phone its secrets
 * (URL token, HTTP credentials) the first time they are needed, counts a revision whenever an input of
 * the render changes, and serves the files once the caller knows the record they were rendered from is
 * on disk ({@link RecordWriter#whenSaved}), so that after a crash every URL that was served serves the
 * same bytes again.
 *
 * <p>Threading: the inventory's worker thread only.
 */
final class PhoneFileRenderer {

    private static final Logger LOG = LoggerFactory.getLogger(PhoneFileRenderer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProvisioningUrls urls;
    private final ServedFiles served;
    PhoneFileRenderer(ProvisioningUrls urls, ServedFiles served) {
        this.urls = urls;
        this.served = served;
    }

    /** Rendered files not yet served: {@link #publish} serves them once their record is on disk. */
    record Unpublished(String token, String subscriber, List<ProvisioningFile> files, List<String> digests,
            Credentials credentials) {
    }

    /**
     * Renders the phone's files and keeps them in {@code rec.unpublished} for {@link #publish}: the token and
     * credentials in them go out in the NOTIFY and the phone's file, and after a kill -9 the record must come
     * back as it is now, or a URL the phone already has would find nothing (a pre-assigned phone would come
     * back "not heard") or other bytes. So the caller publishes once {@link RecordWriter#whenSaved} says so.
     *
     * @param rec a phone that was heard
     * @param httpAuthentication {@code off}, {@code basic} or {@code digest}
     * @param fallbackHttpPort the HTTP port for URLs when {@code pnp.http} reports none
     */
    Rendering render(PhoneRecord rec, VendorProfiles.ProfileRef ref, Assignment a, String httpAuthentication,
            int fallbackHttpPort) {
        PhoneSighting s = rec.sighting;
        String host = ProvisioningUrls.host(s);
        String httpBase = urls.httpBase(host, fallbackHttpPort);
        String tftpBase = urls.tftpBase(host);
        String auth = effectiveAuthentication(rec, ref, httpAuthentication);
        ensureSecrets(rec, auth);
        String httpUser = auth.equals("off") ? "" : rec.httpUser;
        String httpPassword = auth.equals("off") ? "" : rec.httpPassword;
        // Every input of the render, in an order that does not change between runs (Map.copyOf's does).
        String inputs = String.join("\u0000", ref.vendor(), a.toString(), a.password(), a.voicemail(),
                a.lineKeys().toString(), new TreeMap<>(a.overrides()).toString(), s.model(), host,
                httpBase + rec.token + "/", tftpBase, auth, httpUser, httpPassword);
        String digest = Inventory.digest(inputs.getBytes(StandardCharsets.UTF_8));
        if (rec.inputsDigest.length() == 64 && rec.inputsDigest.equals(sha256(inputs))) {
            rec.inputsDigest = digest; // saved by an earlier version (SHA-256): the same inputs, the same revision
        }
        if (!digest.equals(rec.inputsDigest)) {
            rec.revision++;
            rec.inputsDigest = digest;
        }
        RenderRequest request = new RenderRequest(a, s.model(), host, httpBase + rec.token + "/", tftpBase, httpUser,
                httpPassword, rec.revision);
        Rendering rendering = ref.profile().render(request);
        rec.unpublished = new Unpublished(rec.token, s.sourceAddress(), rendering.files(),
                ServedFiles.digests(rendering.files()),
                httpUser.isEmpty() ? null : new Credentials(auth, httpUser, httpPassword));
        return rendering;
    }

    /** Serves the files of the phone's latest render, if not served yet, under its bootstrap as it is now. */
    void publish(PhoneRecord rec, Duration bootstrapWindow) {
        Unpublished u = rec.unpublished;
        if (u != null) {
            rec.unpublished = null;
            served.publish(rec.mac, u.token(), u.subscriber(), u.files(), u.digests(), u.credentials(),
                    Bootstrap.access(rec, bootstrapWindow));
        }
    }

    /** Stops serving the phone's files, and forgets a render not served yet. */
    void unpublish(PhoneRecord rec) {
        rec.unpublished = null;
        served.unpublish(rec.mac);
    }

    /**
     * The phone's HTTP authentication: off for a vendor whose phones cannot send credentials, and for a
     * phone served by an older version without them (its file has none: it keeps its token URL until its
     * next provisioning); else the configured one.
     */
    static String effectiveAuthentication(PhoneRecord rec, VendorProfiles.ProfileRef ref, String configured) {
        if (!ref.profile().supportsHttpCredentials()) {
            return "off";
        }
        if (rec.bootstrap == Bootstrap.Phase.LEGACY && rec.httpPassword.isEmpty()) {
            return "off";
        }
        return configured;
    }

    /**
     * Replaces the phone's URL token and HTTP password: the old ones stop working with the next
     * {@link #render}, which publishes the files under the new token only.
     */
    void rotateSecrets(PhoneRecord rec) {
        rec.token = randomText(16);
        rec.httpUser = rec.mac.value();
        rec.httpPassword = randomText(12);
        rec.secretsUnsaved = true;
    }

    /** Gives the phone its URL token and, when downloads need them, its credentials. */
    void ensureSecrets(PhoneRecord rec, String httpAuthentication) {
        if (rec.token.isEmpty()) {
            rec.token = randomText(16);
            rec.secretsUnsaved = true;
        }
        if (!httpAuthentication.equals("off") && rec.httpPassword.isEmpty()) {
            rec.httpUser = rec.mac.value();
            rec.httpPassword = randomText(12);
            rec.secretsUnsaved = true;
        }
    }

    /**
     * {@code off}, {@code basic} or {@code digest} from the configured text; anything else is {@code digest}
     * (the default), with a warning: a typo must not turn the phones' authentication off.
     */
    static String authentication(String configured) {
        String auth = configured.trim().toLowerCase(Locale.ROOT);
        if (!auth.equals("off") && !auth.equals("basic") && !auth.equals("digest")) {
            LOG.warn("pnp.core httpAuthentication '{}' is not off, basic or digest: using digest", LogText.of(auth));
            return "digest";
        }
        return auth;
    }

    static String randomText(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** How earlier versions digested the render inputs: read only to carry their revision over. */
    private static String sha256(String inputs) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(inputs.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
