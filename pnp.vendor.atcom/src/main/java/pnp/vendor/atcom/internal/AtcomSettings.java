package pnp.vendor.atcom.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import pnp.api.ResyncEvent;

/**
 * The profile's configuration, read once from {@link AtcomProfile.Config} and then immutable.
 * Strings are stripped; empty means "not set".
 *
 * @param sipServer default SIP registrar, empty for the request's server host
 * @param sipPort default SIP registrar port
 * @param codecs default codecs in order, upper case
 * @param urlScheme {@code tftp}, {@code http} or {@code https} as configured (checked at render time)
 * @param timeZone time zone as the phone writes it, empty to leave the phone's own
 * @param ntpServer NTP server, empty to leave the phone's own
 * @param language display language as the phone writes it, empty to leave the phone's own
 * @param adminPassword the phone's admin password, empty to leave it unchanged
 * @param firmwareServer firmware server URL, empty to leave the phone's own
 * @param resyncEvent the resync NOTIFY's event, empty when phones are not to be sent one
 */
record AtcomSettings(
        String sipServer,
        int sipPort,
        List<String> codecs,
        String urlScheme,
        String timeZone,
        String ntpServer,
        String language,
        String adminPassword,
        String firmwareServer,
        Optional<ResyncEvent> resyncEvent) {

    AtcomSettings {
        sipServer = strip(sipServer);
        if (sipPort < 1 || sipPort > 65535) {
            throw new IllegalArgumentException("sipPort out of range: " + sipPort);
        }
        codecs = codecs(codecs);
        urlScheme = strip(urlScheme);
        timeZone = strip(timeZone);
        ntpServer = strip(ntpServer);
        language = strip(language);
        adminPassword = Objects.requireNonNullElse(adminPassword, "");
        firmwareServer = strip(firmwareServer);
        Objects.requireNonNull(resyncEvent, "resyncEvent");
    }

    static AtcomSettings of(AtcomProfile.Config config) {
        return new AtcomSettings(config.sipServer(), config.sipPort(),
                Arrays.asList(Objects.requireNonNullElse(config.codecs(), new String[0])), config.urlScheme(),
                config.timeZone(), config.ntpServer(), config.language(), config._adminPassword(),
                config.firmwareServer(), resyncEvent(config.resyncEvent(), config.resyncReboots()));
    }

    /**
     * The configured event, empty when blank.
     *
     * @throws IllegalArgumentException when it is not an Event header value
     */
    static Optional<ResyncEvent> resyncEvent(String event, boolean reboots) {
        String e = strip(event);
        return e.isEmpty() ? Optional.empty() : Optional.of(new ResyncEvent(e, reboots, false, false));
    }

    /** Codec names stripped, upper case, without empty entries or repeats, in order. */
    static List<String> codecs(List<String> names) {
        return Objects.requireNonNullElse(names, List.<String>of()).stream()
                .map(AtcomSettings::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toUpperCase(Locale.ROOT))
                .distinct()
                .toList();
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }
}
