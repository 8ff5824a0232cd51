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
    FAILED
}
