package pnp.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type for a {@link ResyncSender}: names the sender (shown with each outcome) and
 * ranks it.
 *
 * @since 1.1
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ResyncSenderService {

    /** Service property naming the sender, e.g. {@code pnp.sip} or a PBX's product name. */
    String NAME = "pnp.resync.sender";

    /** The sender's name (property {@value #NAME}). */
    String pnp_resync_sender();

    /** {@code service.ranking}: the highest sends; {@code pnp.sip}'s is {@link ResyncSender#BUILT_IN_RANKING}. */
    int service_ranking() default 0;
}
