package pnp.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every phone the server has heard of or expects, provided by the core bundle.
 *
 * <p>Threading: all methods are thread-safe and return quickly; persistence and NOTIFY sending happen
 * off the caller's thread.
 */
@ProviderType
public interface PhoneInventory {

    /**
     * Records a SUBSCRIBE. The inventory dispatches the phone to the claiming profile and, when it is
     * assigned, has its NOTIFY sent. Repeated SUBSCRIBEs of a phone that is being provisioned are
     * counted, not acted on again.
     */
    void sighted(PhoneSighting sighting);

    /** All phones, ordered by MAC. */
    List<Phone> phones();

    Optional<Phone> phone(MacAddress mac);

    /**
     * Sends the phone's NOTIFY again (re-renders its files first).
     *
     * @return false when the phone cannot be notified: never heard, unclaimed or unassigned
     */
    boolean renotify(MacAddress mac);

    /** Drops what was heard of the phone. Its assignment, if any, stays. */
    boolean forget(MacAddress mac);

    /**
     * Queues a resync of a running phone: its files are rendered again and its vendor's resync NOTIFY
     * is sent (at the configured rate), then the inventory waits for its download; the outcome shows in
     * the phone's {@link Phone#resync()} and state ({@link PhoneState#RESYNCED} or
     * {@link PhoneState#RESYNC_FAILED}). A phone already queued keeps its place.
     *
     * @return false when the phone cannot be resynced: not known, unclaimed, unassigned, or it never
     *         downloaded its files (provision it with {@link #renotify} instead)
     * @since 1.1
     */
    default boolean resync(MacAddress mac) {
        return false;
    }

    /** Where the resyncs stand. @since 1.1 */
    default ResyncProgress resyncProgress() {
        return ResyncProgress.NONE;
    }

    /**
     * A request to provision the phone again that waits for the admin: a PnP SUBSCRIBE naming the
     * phone's MAC from another address or model than the phone is bound to.
     *
     * @since 1.1
     */
    default Optional<Reask> reask(MacAddress mac) {
        return Optional.empty();
    }

    /**
     * Approves the phone's pending {@link #reask}: the asker becomes the phone (bound to its address and
     * model), the phone's URL token and HTTP credentials are replaced (the old ones stop working at
     * once), a new one-shot bootstrap window opens for the asker's address and the asker is notified.
     *
     * @return false when the phone has no pending request
     * @since 1.1
     */
    default boolean approveReask(MacAddress mac) {
        return false;
    }

    /**
     * Drops the phone's pending {@link #reask}; nothing else changes.
     *
     * @return false when the phone has no pending request
     * @since 1.1
     */
    default boolean ignoreReask(MacAddress mac) {
        return false;
    }

    /**
     * Replaces the phone's secrets: its URL token and its HTTP credentials (the old ones stop working at
     * once), re-renders its files and notifies it, with a one-shot bootstrap window open to the address
     * it is bound to so that it can fetch the new file.
     *
     * @return false when the phone has no served files (not heard, unassigned or unclaimed)
     * @since 1.1
     */
    default boolean rotateSecrets(MacAddress mac) {
        return false;
    }
}
