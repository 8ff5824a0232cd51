package pnp.api;

/** Where a phone stands on its way from first SUBSCRIBE to provisioned. */
public enum PhoneState {
    /** Pre-assigned by the administrator, not heard yet. */
    EXPECTED,
    /** Heard; not yet offered to the profiles. */
    DISCOVERED,
    /** No vendor profile claims it. */
    UNCLAIMED,
    /** A profile claims it; it has no assignment. */
    CLAIMED,
    /** Claimed and assigned: its files are generated and served. */
    ASSIGNED,
    /** The NOTIFY with its URL was accepted by the phone. */
    NOTIFIED,
    /** The phone downloaded its file. */
    DOWNLOADED,
    /** The phone downloaded its file again, after its reboot. */
    PROVISIONED,
    /** Something went wrong: see the phone's reason. */
    FAILED,
    /**
     * A running phone's files changed (or a resync was asked for): its resync NOTIFY is queued, sent, or
     * accepted and the server waits for the phone's download. See {@link Phone#resync()}.
     *
     * @since 1.1
     */
    RESYNCING,
    /** The phone downloaded its files after the resync: it has them. @since 1.1 */
    RESYNCED,
    /**
     * The phone was not told, or did not fetch its files in time: the reason says why ("no answer",
     * "481 ...", "demands authentication", "NOTIFY accepted, no download within 120 s", or that its
     * vendor's phones cannot be told). A later download of its files still makes it {@link #RESYNCED}.
     *
     * @since 1.1
     */
    RESYNC_FAILED
}
