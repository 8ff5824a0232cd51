package pnp.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Claim;
import pnp.api.MacAddress;
import pnp.api.PhoneSighting;
import pnp.api.VendorProfile;
import pnp.api.VendorProfileService;

/**
 * The vendor profiles, best first (highest {@code service.ranking}, then lowest {@code service.id}),
 * and the one pass that asks them about a phone: the first that claims it wins; when none does, the
 * answer says why, profile by profile. Each profile is asked once per pass.
 *
 * <p>Threading: profiles come and go on SCR's threads; {@link #rank} runs on the inventory's worker.
 */
final class VendorProfiles {

    private static final Logger LOG = LoggerFactory.getLogger(VendorProfiles.class);

    private final List<ProfileRef> profiles = new CopyOnWriteArrayList<>();
    /**
     * Vendors whose profile has registered since the start. A phone whose profile is among them but
     * gone has lost it (the bundle left): that is not "still arriving", the start-up grace does not apply.
     */
    private final Set<String> arrived = ConcurrentHashMap.newKeySet();

    /** A profile with the service properties that order it. */
    record ProfileRef(VendorProfile profile, String vendor, int ranking, long serviceId) {
        static final Comparator<ProfileRef> BEST_FIRST = Comparator.comparingInt(ProfileRef::ranking).reversed()
                .thenComparingLong(ProfileRef::serviceId);

        static ProfileRef of(VendorProfile p, Map<String, Object> props) {
            Object vendor = props.get(VendorProfileService.VENDOR);
            Object ranking = props.get(Constants.SERVICE_RANKING);
            Object id = props.get(Constants.SERVICE_ID);
            return new ProfileRef(p, vendor == null ? p.getClass().getName() : vendor.toString(),
                    ranking instanceof Integer r ? r : 0, id instanceof Long l ? l : 0L);
        }
    }

    /**
     * What the profiles said of one phone.
     *
     * @param winner the claiming profile, or null when none claims it
     * @param claim the winner's claim, or null
     * @param reason the winner's reason, or why no profile claims the phone
     */
    record Ranking(ProfileRef winner, Claim claim, String reason) {
        Optional<ProfileRef> chosen() {
            return Optional.ofNullable(winner);
        }
    }

    ProfileRef add(VendorProfile profile, Map<String, Object> props) {
        ProfileRef ref = ProfileRef.of(profile, props);
        arrived.add(ref.vendor());
        profiles.add(ref);
        profiles.sort(ProfileRef.BEST_FIRST);
        return ref;
    }

    /** @return the vendor that left */
    String remove(VendorProfile profile, Map<String, Object> props) {
        profiles.removeIf(p -> p.profile() == profile);
        return ProfileRef.of(profile, props).vendor();
    }

    /** Whether the vendor's profile registered since the start (it may have left again). */
    boolean arrivedSinceStart(String vendor) {
        return arrived.contains(vendor);
    }

    /** Offers the phone to each profile in turn, once; the sighting is null for a phone not heard yet. */
    Ranking rank(MacAddress mac, PhoneSighting sighting) {
        if (profiles.isEmpty()) {
            return new Ranking(null, null, "no vendor bundle is installed");
        }
        List<String> reasons = new ArrayList<>();
        for (ProfileRef ref : profiles) {
            try {
                Claim claim = sighting != null ? ref.profile().claim(sighting) : ref.profile().claim(mac);
                if (claim.claimed()) {
                    return new Ranking(ref, claim, claim.reason());
                }
                reasons.add(ref.vendor() + ": " + claim.reason());
            } catch (RuntimeException e) {
                LOG.warn("Vendor profile {} failed to answer for phone {}: {}", ref.vendor(), mac,
                        LogText.of(e));
                reasons.add(ref.vendor() + ": " + e);
            }
        }
        return new Ranking(null, null, "no vendor bundle claims this phone (" + String.join("; ", reasons) + ")");
    }
}
