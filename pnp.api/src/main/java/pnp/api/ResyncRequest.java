package pnp.api;

import java.util.Objects;

/**
 * One phone to be told to fetch its files again, as the server hands it to a {@link ResyncSender}.
 *
 * @param phone the phone as the inventory knows it: MAC, last sighting (model, firmware, the Contact
 *        of its last SUBSCRIBE), last download; a PBX's sender may use the MAC or
 *        {@code assignment.sipUserId()} to find the phone's registration instead of the contact below
 * @param assignment the phone's account: SIP user id, authentication id and password, the digest
 *        credentials to answer a challenge with
 * @param event what to send, from the phone's {@link VendorProfile}
 * @param contactHost where the server last knew the phone to listen: the host of its latest
 *        SUBSCRIBE's Contact, else the address its latest download came from
 * @param contactPort the port of that Contact, else 5060
 */
public record ResyncRequest(Phone phone, Assignment assignment, ResyncEvent event, String contactHost, int contactPort) {

    public ResyncRequest {
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(assignment, "assignment");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(contactHost, "contactHost");
        if (!phone.mac().equals(assignment.mac())) {
            throw new IllegalArgumentException("the assignment of " + assignment.mac() + " is not the phone " + phone.mac() + "'s");
        }
        if (contactPort < 1 || contactPort > 65535) {
            throw new IllegalArgumentException("contact port out of range: " + contactPort);
        }
    }

    public MacAddress mac() {
        return phone.mac();
    }
}
