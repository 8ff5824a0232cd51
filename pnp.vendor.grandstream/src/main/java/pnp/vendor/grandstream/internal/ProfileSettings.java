package pnp.vendor.grandstream.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One immutable snapshot of the profile's configuration, read from {@link GrandstreamProfile.Config}.
 * Strings are trimmed; list settings accept one value per entry or comma-separated values (a
 * {@code .cfg} file often gives {@code codecs=PCMU,PCMA} as one string).
 *
 * @param sipServer default registrar host, empty for the request's server host
 * @param sipPort default registrar port
 * @param codecs default vocoder order
 * @param timeZone P64, empty to leave the phone's
 * @param ntpServer P30, empty to leave the phone's
 * @param language P1362, empty to leave the phone's
 * @param folderUrlModels upper-case model prefixes that get the folder URL
 * @param binary whether the binary {@code cfg<mac>} is served
 * @param xml whether {@code cfg<mac>.xml} is served
 * @param firmwareServer firmware URL or path, empty to leave the phone's
 * @param adminPassword P2, empty to leave the phone's
 * @param httpsProvisioning whether P212 is HTTPS regardless of the provisioning URL's scheme
 * @param periodicCheckMinutes P193 with P194=1: the phone's own check every so many minutes, 0 for off
 */
record ProfileSettings(
        String sipServer,
        int sipPort,
        List<String> codecs,
        String timeZone,
        String ntpServer,
        String language,
        List<String> folderUrlModels,
        boolean binary,
        boolean xml,
        String firmwareServer,
        String adminPassword,
        boolean httpsProvisioning,
        int periodicCheckMinutes) {

    /** P193's range in the GXP2130/2140/2160 template. */
    static final int MIN_CHECK_MINUTES = 60;
    static final int MAX_CHECK_MINUTES = 86400;

    ProfileSettings {
        if (sipPort < 1 || sipPort > 65535) {
            throw new IllegalArgumentException("sipPort out of range: " + sipPort);
        }
        if (periodicCheckMinutes != 0
                && (periodicCheckMinutes < MIN_CHECK_MINUTES || periodicCheckMinutes > MAX_CHECK_MINUTES)) {
            throw new IllegalArgumentException("periodicCheckMinutes must be 0 (off) or " + MIN_CHECK_MINUTES + "-"
                    + MAX_CHECK_MINUTES + ", the range of Grandstream's P193: " + periodicCheckMinutes);
        }
        codecs = List.copyOf(codecs);
        folderUrlModels = folderUrlModels.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
    }

    static ProfileSettings of(GrandstreamProfile.Config config) {
        return new ProfileSettings(
                trim(config.sipServer()),
                config.sipPort(),
                split(config.codecs()),
                trim(config.timeZone()),
                trim(config.ntpServer()),
                trim(config.language()),
                split(config.folderUrlModels()),
                config.binary(),
                config.xml(),
                trim(config.firmwareServer()),
                trim(config.adminPassword()),
                config.httpsProvisioning(),
                config.periodicCheckMinutes());
    }

    /** Whether the phone's model starts with one of {@link #folderUrlModels()}, ignoring case. */
    boolean wantsFolderUrl(String model) {
        String upper = model.toUpperCase(Locale.ROOT);
        return !upper.isEmpty() && folderUrlModels.stream().anyMatch(upper::startsWith);
    }

    /** Everything but the admin password, for logs. */
    @Override
    public String toString() {
        return "ProfileSettings[sipServer=" + sipServer + ", sipPort=" + sipPort + ", codecs=" + codecs
                + ", timeZone=" + timeZone + ", ntpServer=" + ntpServer + ", language=" + language
                + ", folderUrlModels=" + folderUrlModels + ", binary=" + binary + ", xml=" + xml
                + ", firmwareServer=" + firmwareServer + ", adminPassword=" + (adminPassword.isEmpty() ? "" : "***")
                + ", httpsProvisioning=" + httpsProvisioning + ", periodicCheckMinutes=" + periodicCheckMinutes + "]";
    }

    private static String trim(String s) {
        return Objects.requireNonNullElse(s, "").trim();
    }

    private static List<String> split(String[] values) {
        List<String> out = new ArrayList<>();
        for (String value : Objects.requireNonNullElse(values, new String[0])) {
            for (String part : Objects.requireNonNullElse(value, "").split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }
}
