/**
 * Contracts of the PnP provisioning bundles.
 *
 * <p>Data path: {@code pnp.sip} hears a {@link pnp.api.PhoneSighting} and hands it to the
 * {@link pnp.api.PhoneInventory}; the inventory offers the phone to every {@link pnp.api.VendorProfile}
 * (highest {@code service.ranking}, then lowest {@code service.id} wins), joins it with the phone's
 * {@link pnp.api.Assignment}, lets the profile render its {@link pnp.api.ProvisioningFile}s and asks
 * the {@link pnp.api.PhoneNotifier} to send the NOTIFY; {@code pnp.http} and {@code pnp.tftp} serve
 * the files through {@link pnp.api.ProvisioningFiles}. State changes are posted on the topics of
 * {@link pnp.api.PhoneEvents}.
 *
 * <p>All values here are immutable and safe to share between threads. No method accepts or returns
 * {@code null} unless its Javadoc says so.
 */
@Export
@Version("1.1.0")
package pnp.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
