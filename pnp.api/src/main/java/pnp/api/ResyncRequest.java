package pnp.api;

import java.util.Objects;

/**
 * One phone to be told to fetch its files again, as the server hands it to a {@link ResyncSender}.
 *
 * @param phone the phone as the inventory knows it: MAC, last sighting (model, firmware, the Contact
 *        of its last SUBSCRIBE), last download; a PBX's sender may use the MAC or
 *        {@code assignment.sipUserId()} to find the phone's registration instead of the contact below
 * @param assignment the phone's account as assigned now: what its files say after the resync. Its
 *        authentication id and password are <em>not</em> necessarily the phone's yet (see
 *        {@code credentials})
 * @param event what to send, from the phone's {@link VendorProfile}
 * @param contactHost where the server last knew the phone to listen: the host of its latest
 *        SUBSCRIBE's Contact, else the address its latest download came from
 * @param contactPort the port of that Contact, else 5060
 * @param credentials the digest credentials to answer the phone's 401/407 with: those in the file the
 *        phone last downloaded, which it still runs with. After an edit of the extension, SIP user or
 *        password they differ from the {@code assignment}'s, which the phone learns only from the
 *        download the resync asks for. A PBX's sender that authenticates to the phone must use these
 *        too; like the assignment's password, never log them
 */
public record ResyncRequest(Phone phone, Assignment assignment, ResyncEvent event, String contactHost, int contactPort,
        SipCredentials credentials) {

    public ResyncRequest {
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(assignment, "assignment");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(contactHost, "contactHost");
        Objects.requireNonNull(credentials, "credentials");
        if (!phone.mac().equals(assignment.mac())) {
            throw new IllegalArgumentException("the assignment of " + assignment.mac() + " is not the phone " + phone.mac() + "'s");
        }
        if (contactPort < 1 || contactPort > 65535) {
            throw new IllegalArgumentException("contact port out of range: " + contactPort);
        }
    }

    /**
     * A request for a phone that runs with its assignment's credentials (its file was downloaded since
     * its last edit, or nothing else is known).
     */
    public ResyncRequest(Phone phone, Assignment assignment, ResyncEvent event, String contactHost, int contactPort) {
        this(phone, assignment, event, contactHost, contactPort, SipCredentials.of(assignment));
    }

    public MacAddress mac() {
        return phone.mac();
    }
}
