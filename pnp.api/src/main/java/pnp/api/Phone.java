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
 * @param resync the phone's last resync, or {@code null} when it never had one (since 1.1)
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
        Download lastDownload,
        Resync resync) {

    public Phone {
        Objects.requireNonNull(mac, "mac");
        profile = Objects.requireNonNullElse(profile, "");
        claimReason = Objects.requireNonNullElse(claimReason, "");
        extension = Objects.requireNonNullElse(extension, "");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateSince, "stateSince");
        reason = Objects.requireNonNullElse(reason, "");
    }

    /** A phone without resync record, as before 1.1. */
    public Phone(MacAddress mac, PhoneSighting lastSighting, Instant firstSeen, long sightings, String profile,
            String claimReason, boolean assigned, String extension, PhoneState state, Instant stateSince,
            String reason, Download lastDownload) {
        this(mac, lastSighting, firstSeen, sightings, profile, claimReason, assigned, extension, state, stateSince,
                reason, lastDownload, null);
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

    /**
     * The phone's last resync: told to fetch its files again, and whether it did.
     *
     * @param requested when it was queued (a change of its files, or an administrator's request)
     * @param sent when the NOTIFY was handed to the sender, or {@code null} while queued or when it was not sent
     * @param sender the name of the sender that sent it, empty when none
     * @param outcome what the sender reported, e.g. {@code "200 OK"}, empty while none
     * @param downloaded when the phone's first download of one of its own files after the send was seen, or
     *        {@code null}
     * @param bytesChanged whether that download's bytes differ from what the phone had downloaded of that file
     *        before (true when it had not downloaded it before)
     * @param reason why it failed, empty when it did not (or not yet)
     * @since 1.1
     */
    public record Resync(Instant requested, Instant sent, String sender, String outcome, Instant downloaded,
            boolean bytesChanged, String reason) {
        public Resync {
            Objects.requireNonNull(requested, "requested");
            sender = Objects.requireNonNullElse(sender, "");
            outcome = Objects.requireNonNullElse(outcome, "");
            reason = Objects.requireNonNullElse(reason, "");
        }
    }
}
