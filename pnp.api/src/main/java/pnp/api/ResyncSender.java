package pnp.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Sends the NOTIFY that makes a running phone fetch its files again. A whiteboard service: the
 * server uses the sender with the highest {@code service.ranking} (then the lowest
 * {@code service.id}) for every resync.
 *
 * <p>{@code pnp.sip} registers the built-in sender with {@link #BUILT_IN_RANKING}: it sends from this
 * server's SIP stack to the request's contact, retransmits as RFC 3261 says, and answers one 401/407
 * challenge with the {@linkplain ResyncRequest#credentials() credentials the phone holds}: those of
 * the file it last downloaded, not necessarily the assignment's (an edited password reaches the phone
 * only with the download the resync asks for).
 *
 * <p><b>For a PBX.</b> Some phones act only on a NOTIFY from the registrar they are registered with
 * ({@link ResyncEvent#registrarOnly()}), and behind NAT only the registrar's flow reaches them. A PBX
 * whose own SIP stack holds the phones' registrations can take the sending over by registering its
 * own {@code ResyncSender} with any ranking above {@link #BUILT_IN_RANKING}, e.g. the default 0:
 *
 * <pre>{@code
 * @Component
 * @ResyncSenderService(pnp_resync_sender = "MyPBX")
 * public class MyPbxResync implements ResyncSender {
 *     public CompletionStage<ResyncOutcome> send(ResyncRequest request) {
 *         Registration r = registrations.find(request.assignment().sipUserId());
 *         if (r == null) {
 *             return CompletableFuture.completedStage(ResyncOutcome.notSent("not registered with MyPBX"));
 *         }
 *         return stack.notify(r, "Event", request.event().event()).thenApply(MyPbxResync::outcome);
 *     }
 * }
 * }</pre>
 *
 * <p>The server then decides what the outcome means: after {@link ResyncOutcome.Result#ACCEPTED} it
 * waits for the phone's download and only that makes the phone resynced; every other result is shown
 * to the administrator with its detail.
 *
 * <p>Threading: called from any thread, concurrently for different phones, at a rate the server
 * bounds. Must not block: do the network work elsewhere and complete the stage there. The stage
 * must complete, normally, within about a minute (RFC 3261 gives up on a non-INVITE transaction after
 * 32 s); a stage completed exceptionally, or an exception thrown by {@code send}, is recorded as
 * {@link ResyncOutcome.Result#NOT_SENT} with the exception's message. The request carries the
 * phone's SIP passwords (the assignment's and the phone's current {@link ResyncRequest#credentials()}):
 * never log them.
 *
 * @since 1.1
 */
@ConsumerType
public interface ResyncSender {

    /** The ranking of {@code pnp.sip}'s built-in sender: any sender registered with a higher one replaces it. */
    int BUILT_IN_RANKING = -1000;

    /**
     * Sends {@code NOTIFY} with {@code Event:} {@link ResyncEvent#event()} to the phone.
     *
     * @return the outcome, once the phone answered or the sender gave up
     */
    CompletionStage<ResyncOutcome> send(ResyncRequest request);
}
