package pnp.core.internal;

import java.time.Instant;
import java.util.Map;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.SipCredentials;

/**
 * What the inventory keeps of one phone. Mutable; touched only on the inventory's worker thread.
 * Other threads read the immutable {@link #snapshot()}.
 */
final class PhoneRecord {

    final MacAddress mac;
    PhoneSighting sighting;
    Instant firstSeen;
    long sightings;
    String profile = "";
    String claimReason = "";
    PhoneState state = PhoneState.EXPECTED;
    Instant stateSince = Instant.now();
    String reason = "";
    Phone.Download lastDownload;
    long downloads;
    /** The secret path segment of the phone's HTTP folder; empty until the phone is first rendered. */
    String token = "";
    /** HTTP credentials of the phone's downloads; empty until authentication is first required. */
    String httpUser = "";
    String httpPassword = "";
    long revision;
    String inputsDigest = "";
    /** When the last NOTIFY was sent, or null. */
    Instant notifiedAt;
    boolean notifyPending;
    /** A token or credentials were made and not yet handed to the store. */
    boolean secretsUnsaved;
    /** {@link #serving()} as last written to the store: what a restart would serve. */
    String savedServing = "";
    /** The files changed while a NOTIFY was pending: send another once it is answered or failed. */
    boolean notifyAgain;
    /** The latest render, until it is served (once the record it was rendered from is on disk); not persisted. */
    PhoneFileRenderer.Unpublished unpublished;
    /** {@link #sighting}'s part of the journal line, made once per sighting ({@link PhoneRecordStore#format}). */
    PhoneSighting formattedSighting;
    String formattedSightingText;
    /** A digest of the files last rendered (names and bytes); empty before the first render. */
    String filesDigest = "";
    /** Per phone file downloaded: a digest of the bytes the phone got the last time. */
    Map<String, String> downloadedDigests = Map.of();
    /**
     * The SIP credentials written in the files last rendered, and per phone file a digest of its bytes: a
     * download of exactly those bytes gives the phone these credentials. Memory only (every start renders).
     */
    SipCredentials renderedCredentials;
    Map<String, String> renderedDigests = Map.of();
    /**
     * The SIP credentials in the file the phone last downloaded: what it checks a resync's digest against
     * until it downloads its edited files. Null when not known (a record from before they were kept). Saved
     * in the journal like the HTTP password; never logged, never in a snapshot.
     */
    SipCredentials phoneCredentials;

    // The last resync (see Phone.Resync); resyncRequested is null when there never was one.
    Instant resyncRequested;
    Instant resyncSent;
    String resyncSender = "";
    String resyncOutcome = "";
    Instant resyncDownloaded;
    boolean resyncBytesChanged;
    String resyncReason = "";
    /** While an accepted resync waits for the phone's download: when the wait ends. Else null. */
    Instant resyncDeadline;
    /** The one-shot bootstrap (see {@link Bootstrap}); persisted. */
    Bootstrap.Phase bootstrap = Bootstrap.Phase.NONE;
    Instant bootstrapFirstDownload;
    int bootstrapDownloads;
    /** The only address an open bootstrap serves; empty: any requester with the token. */
    String bootstrapFrom = "";
    /** A SUBSCRIBE the phone's binding did not accept, waiting for the admin (see {@link PhoneBinding}); persisted. */
    PhoneSighting reask;
    String reaskWhy = "";

    PhoneRecord(MacAddress mac) {
        this.mac = mac;
    }

    void state(PhoneState next, String why, Instant now) {
        if (state != next) {
            stateSince = now;
        }
        state = next;
        reason = why == null ? "" : why;
    }

    /** The record was handed to the store as it is now. */
    void saved() {
        secretsUnsaved = false;
        savedServing = serving();
    }

    /** What the served files depend on: the inputs of the last render, and who they are served to. */
    String serving() {
        // The bootstrap too: a phone notified before a kill -9 must find its bootstrap open after the restart.
        return inputsDigest + " " + (sighting == null ? "" : sighting.sourceAddress()) + " " + bootstrap + " "
                + bootstrapFrom;
    }

    /** Whether a restart now would not serve what is served (or about to be): secrets or render inputs unsaved. */
    boolean servingUnsaved() {
        return secretsUnsaved || !serving().equals(savedServing);
    }

    /** A new resync was asked for: what is known of the previous one is cleared. */
    void resyncRequested(Instant now) {
        resyncRequested = now;
        resyncSent = null;
        resyncSender = "";
        resyncOutcome = "";
        resyncDownloaded = null;
        resyncBytesChanged = false;
        resyncReason = "";
        resyncDeadline = null;
    }

    /**
     * Whether the phone is running with files it fetched: it downloaded since its last SUBSCRIBE (a phone
     * that SUBSCRIBEs is booting and is provisioned by NOTIFY with its URL instead).
     */
    boolean running() {
        return lastDownload != null && (sighting == null || !lastDownload.time().isBefore(sighting.time()));
    }

    Phone snapshot(String extension) {
        Phone.Resync resync = resyncRequested == null ? null : new Phone.Resync(resyncRequested, resyncSent,
                resyncSender, resyncOutcome, resyncDownloaded, resyncBytesChanged, resyncReason);
        return new Phone(mac, sighting, firstSeen, sightings, profile, claimReason, !extension.isEmpty(), extension,
                state, stateSince, reason, lastDownload, resync);
    }
}
