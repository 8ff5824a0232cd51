package pnp.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One PnP {@code SUBSCRIBE} as heard on the wire, reduced to what identifies and reaches the phone.
 * Strings come off the network: they are untrusted and must be escaped wherever they are shown.
 *
 * @param mac the phone's MAC address
 * @param vendor vendor as the phone names itself (Event {@code vendor}, User-Agent), may be empty
 * @param model model, may be empty
 * @param firmware firmware version, may be empty
 * @param userAgent the User-Agent header, may be empty
 * @param contactHost host of the SUBSCRIBE's Contact URI: where the NOTIFY goes
 * @param contactPort port of the Contact URI
 * @param sourceAddress the datagram's source address
 * @param sourcePort the datagram's source port
 * @param interfaceName the local interface the datagram arrived on, may be empty
 * @param localAddress our address on that interface, used for URLs when no host is advertised
 * @param multicast whether the SUBSCRIBE was sent to the multicast group
 * @param time when it was heard
 */
public record PhoneSighting(
        MacAddress mac,
        String vendor,
        String model,
        String firmware,
        String userAgent,
        String contactHost,
        int contactPort,
        String sourceAddress,
        int sourcePort,
        String interfaceName,
        String localAddress,
        boolean multicast,
        Instant time) {

    public PhoneSighting {
        Objects.requireNonNull(mac, "mac");
        vendor = Objects.requireNonNullElse(vendor, "");
        model = Objects.requireNonNullElse(model, "");
        firmware = Objects.requireNonNullElse(firmware, "");
        userAgent = Objects.requireNonNullElse(userAgent, "");
        Objects.requireNonNull(contactHost, "contactHost");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        interfaceName = Objects.requireNonNullElse(interfaceName, "");
        localAddress = Objects.requireNonNullElse(localAddress, "");
        Objects.requireNonNull(time, "time");
    }
}
