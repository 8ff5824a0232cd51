package pnp.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a vendor's running phones are told to fetch their configuration again: the SIP event of an
 * out-of-dialog {@code NOTIFY}, and what the phone does when it receives one. A {@link VendorProfile}
 * returns it from {@link VendorProfile#resyncEvent}; a {@link ResyncSender} sends it.
 *
 * <p>There is no standard for this message. Most phones accept {@code Event: check-sync}, some want a
 * vendor's variant ({@code resync}) or parameters ({@code check-sync;reboot=false}); what a vendor
 * documents goes here, verbatim.
 *
 * @param event the whole value of the {@code Event} header: an event package, optionally followed by
 *        {@code ;name} or {@code ;name=value} parameters made of SIP token characters, e.g.
 *        {@code check-sync;reboot=false}; nothing that could end the header line
 * @param reboots whether the phone restarts to apply what it fetched (calls in progress are dropped),
 *        as far as the vendor documents it; when unsure, say {@code true}
 * @param challenges whether the phone, as the vendor ships it, answers the NOTIFY with a 401/407
 *        challenge and acts only on a request authenticated with the digest credentials of its SIP
 *        account
 * @param registrarOnly whether the phone acts only on a NOTIFY that comes from the registrar it is
 *        registered with, so only a PBX's own SIP stack can send it (see {@link ResyncSender})
 */
public record ResyncEvent(String event, boolean reboots, boolean challenges, boolean registrarOnly) {

    /** RFC 3261 {@code token} characters only: no blank, quote, CR or LF can slip into the header. */
    private static final String TOKEN = "[A-Za-z0-9.!%*_+`'~-]+";
    private static final Pattern EVENT = Pattern.compile(TOKEN + "(;" + TOKEN + "(=" + TOKEN + ")?)*");

    public ResyncEvent {
        Objects.requireNonNull(event, "event");
        if (!EVENT.matcher(event).matches()) {
            throw new IllegalArgumentException("not a SIP Event header value (package[;param[=value]]...): " + event);
        }
    }

    /** {@code Event: check-sync}, the convention most phones follow; neither reboot nor challenge promised. */
    public static ResyncEvent checkSync(boolean reboots) {
        return new ResyncEvent("check-sync", reboots, false, false);
    }

    /** The event package alone, lower case: {@code check-sync} for {@code check-sync;reboot=false}. */
    public String eventPackage() {
        int semicolon = event.indexOf(';');
        return (semicolon < 0 ? event : event.substring(0, semicolon)).toLowerCase(Locale.ROOT);
    }

    /** Returns a copy that says the phone challenges the NOTIFY (or not). */
    public ResyncEvent withChallenges(boolean challenges) {
        return new ResyncEvent(event, reboots, challenges, registrarOnly);
    }

    /** Returns a copy that says the phone acts only on its registrar's NOTIFY (or not). */
    public ResyncEvent withRegistrarOnly(boolean registrarOnly) {
        return new ResyncEvent(event, reboots, challenges, registrarOnly);
    }
}
