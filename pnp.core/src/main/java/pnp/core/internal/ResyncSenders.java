package pnp.core.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Constants;

import pnp.api.ResyncSender;
import pnp.api.ResyncSenderService;

/**
 * The {@link ResyncSender} services, best first: highest {@code service.ranking}, then lowest
 * {@code service.id}. {@code pnp.sip}'s registers with {@link ResyncSender#BUILT_IN_RANKING}, so a
 * PBX's own sender with any higher ranking takes over.
 *
 * <p>Threading: senders come and go on SCR's threads; {@link #best} is read on the inventory's worker.
 */
final class ResyncSenders {

    /** A sender with the service properties that name and order it. */
    record SenderRef(ResyncSender sender, String name, int ranking, long serviceId) {
        static final Comparator<SenderRef> BEST_FIRST = Comparator.comparingInt(SenderRef::ranking).reversed()
                .thenComparingLong(SenderRef::serviceId);

        static SenderRef of(ResyncSender s, Map<String, Object> props) {
            Object name = props.get(ResyncSenderService.NAME);
            Object ranking = props.get(Constants.SERVICE_RANKING);
            Object id = props.get(Constants.SERVICE_ID);
            return new SenderRef(s, name == null ? s.getClass().getName() : name.toString(),
                    ranking instanceof Integer r ? r : 0, id instanceof Long l ? l : 0L);
        }
    }

    private final List<SenderRef> senders = new CopyOnWriteArrayList<>();

    SenderRef add(ResyncSender sender, Map<String, Object> props) {
        SenderRef ref = SenderRef.of(sender, props);
        senders.add(ref);
        senders.sort(SenderRef.BEST_FIRST);
        return ref;
    }

    /** Its properties (ranking) changed. */
    SenderRef update(ResyncSender sender, Map<String, Object> props) {
        senders.removeIf(s -> s.sender() == sender);
        return add(sender, props);
    }

    void remove(ResyncSender sender) {
        senders.removeIf(s -> s.sender() == sender);
    }

    /** The sender that sends every resync now, if any is registered. */
    Optional<SenderRef> best() {
        List<SenderRef> snapshot = List.copyOf(senders);
        return snapshot.isEmpty() ? Optional.empty() : Optional.of(snapshot.get(0));
    }
}
