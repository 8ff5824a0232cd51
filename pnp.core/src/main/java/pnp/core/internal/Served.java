package pnp.core.internal;

import java.util.List;

import pnp.api.MacAddress;
import pnp.api.ProvisioningFiles.Found;

/**
 * The files one phone is served, as published to the HTTP and TFTP servers. Immutable.
 *
 * @param mac the phone
 * @param token the secret path segment of its HTTP folder
 * @param files its files (phone and common)
 * @param subscriber the address its SUBSCRIBE came from, for servers that only answer that address
 */
record Served(MacAddress mac, String token, List<Found> files, String subscriber) {
}
