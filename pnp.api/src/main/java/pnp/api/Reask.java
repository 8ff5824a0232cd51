package pnp.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A phone bound to an address and model was asked for again from another address or model (or from
 * its own address in a way the server does not trust): it waits for the admin to approve or ignore it.
 * The strings come off the network: escape them wherever they are shown.
 *
 * @param mac the phone
 * @param address the source address of the asking SUBSCRIBE
 * @param model the model the asker named, may be empty
 * @param contactHost the host of the asker's Contact URI
 * @param boundAddress the address the phone is bound to
 * @param boundModel the model the phone is bound to, may be empty
 * @param why why it was not provisioned at once
 * @param time when it asked (the last time, when it asked more than once)
 * @since 1.1
 */
public record Reask(MacAddress mac, String address, String model, String contactHost, String boundAddress,
        String boundModel, String why, Instant time) {

    public Reask {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(address, "address");
        model = Objects.requireNonNullElse(model, "");
        contactHost = Objects.requireNonNullElse(contactHost, "");
        boundAddress = Objects.requireNonNullElse(boundAddress, "");
        boundModel = Objects.requireNonNullElse(boundModel, "");
        why = Objects.requireNonNullElse(why, "");
        Objects.requireNonNull(time, "time");
    }

    /** "asks to be provisioned again from X (was Y)". */
    public String summary() {
        String from = model.isEmpty() || model.equalsIgnoreCase(boundModel) ? address : address + " as " + model;
        String was = boundModel.isEmpty() || model.equalsIgnoreCase(boundModel) ? boundAddress
                : boundAddress + " as " + boundModel;
        return "asks to be provisioned again from " + from + " (was " + was + ")";
    }
}
