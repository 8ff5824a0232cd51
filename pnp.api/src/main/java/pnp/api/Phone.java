package pnp.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of what the inventory knows of one phone.
 *
 * @param mac the phone
 * @param lastSighting the last SUBSCRIBE heard, or {@code null} for a phone pre-assigned but not heard
 * @param firstSeen when it was first heard, or {@code null}
 * @param sightings how many SUBSCRIBEs were heard (retransmissions not counted)
 * @param profile the vendor of the claiming profile, empty when none claims it
 * @param claimReason why it is claimed or not
 * @param assigned whether it has an assignment
 * @param extension the assigned extension, empty when none
 * @param state its state
 * @param stateSince when it entered that state
 * @param reason detail of the state: the failure, the NOTIFY outcome, ...
 * @param lastDownload the last download, or {@code null}
 */
public record Phone(
        MacAddress mac,
        PhoneSighting lastSighting,
        Instant firstSeen,
        long sightings,
        String profile,
        String claimReason,
        boolean assigned,
        String extension,
        PhoneState state,
        Instant stateSince,
        String reason,
        Download lastDownload) {

    public Phone {
        Objects.requireNonNull(mac, "mac");
        profile = Objects.requireNonNullElse(profile, "");
        claimReason = Objects.requireNonNullElse(claimReason, "");
        extension = Objects.requireNonNullElse(extension, "");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateSince, "stateSince");
        reason = Objects.requireNonNullElse(reason, "");
    }

    public Optional<PhoneSighting> sighting() {
        return Optional.ofNullable(lastSighting);
    }

    /**
     * One completed download.
     *
     * @param file the name requested
     * @param protocol {@code http}, {@code https} or {@code tftp}
     * @param address the requester's address
     * @param userAgent the HTTP User-Agent, empty for TFTP
     * @param time when it completed
     */
    public record Download(String file, String protocol, String address, String userAgent, Instant time) {
        public Download {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            userAgent = Objects.requireNonNullElse(userAgent, "");
            Objects.requireNonNull(time, "time");
        }
    }
}
