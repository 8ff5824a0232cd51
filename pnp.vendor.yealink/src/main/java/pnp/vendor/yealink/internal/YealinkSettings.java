package pnp.vendor.yealink.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One immutable snapshot of the profile's configuration, read from {@link YealinkProfile.Config}.
 * Strings are stripped; list settings accept one value per entry or comma-separated values (a
 * {@code .cfg} file often gives {@code codecs=PCMU,PCMA} as one string).
 *
 * @param sipServer default registrar host, empty for the request's server host
 * @param sipPort default registrar port
 * @param codecs default codec order, empty to leave the phone's codecs alone
 * @param ouis lower-case OUIs (six hex digits) that make a phone Yealink's
 * @param folderUrl whether the NOTIFY carries the phone's folder instead of its file
 * @param resyncReboot whether the resync NOTIFY asks the phone to reboot ({@code check-sync;reboot=true})
 * @param periodicCheckMinutes the phone's own check of its file every so many minutes, 0 for off
 */
record YealinkSettings(String sipServer, int sipPort, List<String> codecs, Set<String> ouis, boolean folderUrl,
        boolean resyncReboot, int periodicCheckMinutes) {

    /** The range of {@code static.auto_provision.repeat.minutes} in Yealink's guides. */
    static final int MAX_CHECK_MINUTES = 43200;

    YealinkSettings {
        sipServer = Objects.requireNonNullElse(sipServer, "").strip();
        if (sipPort < 1 || sipPort > 65535) {
            throw new IllegalArgumentException("sipPort out of range: " + sipPort);
        }
        if (periodicCheckMinutes < 0 || periodicCheckMinutes > MAX_CHECK_MINUTES) {
            throw new IllegalArgumentException("periodicCheckMinutes must be 0 (off) to " + MAX_CHECK_MINUTES + ": "
                    + periodicCheckMinutes);
        }
        codecs = List.copyOf(codecs);
        for (String codec : codecs) {
            YealinkFile.codecKey(codec); // fails early, with the name, on a codec the phone has no key for
        }
        Set<String> normalised = new LinkedHashSet<>();
        for (String oui : ouis) {
            String hex = oui.replaceAll("[:.-]", "").toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{6}")) {
                throw new IllegalArgumentException("not an OUI (6 hex digits): '" + oui + "'");
            }
            normalised.add(hex);
        }
        ouis = Set.copyOf(normalised);
    }

    static YealinkSettings of(YealinkProfile.Config config) {
        return new YealinkSettings(config.sipServer(), config.sipPort(), split(config.codecs()), Set.copyOf(
                split(config.ouis())), config.folderUrl(), config.resyncReboot(), config.periodicCheckMinutes());
    }

    private static List<String> split(String[] values) {
        List<String> out = new ArrayList<>();
        for (String value : Objects.requireNonNullElse(values, new String[0])) {
            for (String part : Objects.requireNonNullElse(value, "").split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }
}
