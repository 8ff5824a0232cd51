package pnp.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends the PnP NOTIFY that tells a phone where its file is; provided by {@code pnp.sip}.
 *
 * <p>Threading: thread-safe, never blocks; the returned stage completes on a SIP stack thread when
 * the phone answered, or when the transaction timed out.
 */
@ProviderType
public interface PhoneNotifier {

    /**
     * Sends {@code NOTIFY} with {@code Event: ua-profile} to the Contact of the phone's last SUBSCRIBE.
     *
     * @param to the SUBSCRIBE the phone sent
     * @param url the URL for the body
     * @param contentType {@link Rendering#APPLICATION_URL} or {@link Rendering#EXTERNAL_BODY}
     */
    CompletionStage<NotifyOutcome> notify(PhoneSighting to, String url, String contentType);

    /**
     * How a NOTIFY ended.
     *
     * @param accepted whether the phone answered 2xx
     * @param statusCode the final status, 0 when no answer came
     * @param detail human-readable outcome, e.g. {@code "200 OK"} or {@code "no answer (timeout)"}
     */
    record NotifyOutcome(boolean accepted, int statusCode, String detail) {
    }
}
