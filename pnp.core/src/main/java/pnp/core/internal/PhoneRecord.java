package pnp.core.internal;

import java.time.Instant;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;

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
    /** The files changed while a NOTIFY was pending: send another once it is answered or failed. */
    boolean notifyAgain;

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

    Phone snapshot(String extension) {
        return new Phone(mac, sighting, firstSeen, sightings, profile, claimReason, !extension.isEmpty(), extension,
                state, stateSince, reason, lastDownload);
    }
}
