package pnp.api;

/**
 * Where the inventory's resyncs stand: how many phones wait in the queue (sent at a bounded rate),
 * how many were sent and wait for their answer or download, and the outcomes of the current batch
 * (a batch starts when a resync is queued while none was queued or under way).
 *
 * @param queued phones waiting to be sent, in the order their files changed
 * @param waiting phones whose NOTIFY was sent and whose answer or download is awaited
 * @param sent NOTIFYs sent in this batch
 * @param resynced phones of this batch that downloaded their files
 * @param failed phones of this batch that ended {@link PhoneState#RESYNC_FAILED}
 * @param perSecond the configured rate
 * @since 1.1
 */
public record ResyncProgress(int queued, int waiting, long sent, long resynced, long failed, int perSecond) {

    /** Nothing queued or under way. */
    public static final ResyncProgress NONE = new ResyncProgress(0, 0, 0, 0, 0, 0);
}
