package pnp.api;

/**
 * EventAdmin topics posted (asynchronously) on every phone state change, with the properties below.
 */
public final class PhoneEvents {

    public static final String TOPIC_PREFIX = "pnp/phone/";
    /** A phone was heard for the first time (or again after it was forgotten). */
    public static final String DISCOVERED = TOPIC_PREFIX + "DISCOVERED";
    /** A profile claimed the phone. */
    public static final String CLAIMED = TOPIC_PREFIX + "CLAIMED";
    /** No profile claims the phone (none matched, or its profile went away). */
    public static final String UNCLAIMED = TOPIC_PREFIX + "UNCLAIMED";
    /** The phone's files were generated from its assignment. */
    public static final String ASSIGNED = TOPIC_PREFIX + "ASSIGNED";
    /** The phone accepted the NOTIFY. */
    public static final String NOTIFIED = TOPIC_PREFIX + "NOTIFIED";
    /** The phone downloaded a file. */
    public static final String DOWNLOADED = TOPIC_PREFIX + "DOWNLOADED";
    /** Provisioning failed: see {@link #REASON}. */
    public static final String FAILED = TOPIC_PREFIX + "FAILED";
    /** A resync NOTIFY was handed to the {@link ResyncSender}. @since 1.1 */
    public static final String RESYNC_SENT = TOPIC_PREFIX + "RESYNC_SENT";
    /** The phone downloaded its files after a resync. @since 1.1 */
    public static final String RESYNCED = TOPIC_PREFIX + "RESYNCED";
    /** A resync failed: see {@link #REASON}. @since 1.1 */
    public static final String RESYNC_FAILED = TOPIC_PREFIX + "RESYNC_FAILED";
    /** All topics. */
    public static final String ALL = TOPIC_PREFIX + "*";

    /** Property: the MAC address, normalised (String). */
    public static final String MAC = "mac";
    /** Property: the claiming vendor (String), may be absent. */
    public static final String VENDOR = "vendor";
    /** Property: the model as heard (String), may be absent. */
    public static final String MODEL = "model";
    /** Property: the phone's address (String), may be absent. */
    public static final String ADDRESS = "address";
    /** Property: the state the phone entered ({@link PhoneState} name). */
    public static final String STATE = "state";
    /** Property: human-readable detail (String). */
    public static final String REASON = "reason";
    /** Property: the downloaded file name (String), on {@link #DOWNLOADED}. */
    public static final String FILE = "file";

    private PhoneEvents() {
    }
}
