package pnp.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A vendor bundle's knowledge of its phones, registered as a whiteboard service.
 *
 * <p>The inventory offers every phone it hears to every profile; among the profiles that claim it,
 * the one with the highest {@code service.ranking}, then the lowest {@code service.id}, provisions
 * it. Register with {@link VendorProfileService} to set the vendor name and ranking.
 *
 * <p>Threading: methods are called from any thread, concurrently for different phones; they must not
 * block on the network. They must not return {@code null}; an exception from {@link #render} marks
 * the phone failed with the exception's message, and the server goes on.
 */
@ConsumerType
public interface VendorProfile {

    /** Whether this profile provisions the phone, and why (or why not). */
    Claim claim(PhoneSighting phone);

    /**
     * Whether this profile provisions a phone known only by MAC (pre-assigned, not yet heard). A
     * profile that cannot tell returns a claim that is not its own.
     */
    Claim claim(MacAddress mac);

    /**
     * Renders the phone's files and the URL for its NOTIFY. Must be deterministic: the same request
     * gives byte-identical files, so a phone that downloads again after its reboot does not flash
     * again.
     *
     * @throws IllegalArgumentException when the assignment cannot be expressed for this vendor
     */
    Rendering render(RenderRequest request);

    /**
     * How this vendor's phones, once running, are told to fetch their files again after they
     * changed: the event a {@link ResyncSender} puts in its NOTIFY. Called when the server wants to
     * resync a phone this profile claims; may depend on the model or firmware in the phone's last
     * sighting, which is absent for a phone known only from its downloads.
     *
     * <p>The default says "these phones cannot be told": they pick up changes only at their next
     * boot or at their own periodic configuration check. A profile written before this method
     * existed keeps working and gets that answer.
     *
     * @param phone the phone as the inventory knows it
     * @return the event, or empty when the phones have none
     * @since 1.1
     */
    default Optional<ResyncEvent> resyncEvent(Phone phone) {
        return Optional.empty();
    }

    /**
     * Whether this vendor's phones, once provisioned, authenticate their later downloads with the HTTP
     * user and password written into their file ({@link RenderRequest#httpUser()}). When true, the
     * server gives each phone its own credentials and, after the phone's one-shot bootstrap, serves its
     * files only to requests that authenticate. When false (the default: a profile written before this
     * method existed, or phones that fetch over TFTP), the phone's files are served after its bootstrap
     * only to the address it is bound to, and its files get no credentials.
     *
     * @since 1.1
     */
    default boolean supportsHttpCredentials() {
        return false;
    }
}
