package pnp.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type for a {@link VendorProfile}: one annotation names the vendor and ranks the
 * profile.
 *
 * <pre>{@code
 * @Component(service = VendorProfile.class)
 * @VendorProfileService(pnp_vendor = "Grandstream")
 * public class GrandstreamProfile implements VendorProfile { ... }
 * }</pre>
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface VendorProfileService {

    /** Service property naming the vendor a profile provisions. */
    String VENDOR = "pnp.vendor";

    /** The vendor's name, shown in the console (property {@value #VENDOR}). */
    String pnp_vendor();

    /** {@code service.ranking}: the higher wins when two profiles claim a phone. */
    int service_ranking() default 0;
}
