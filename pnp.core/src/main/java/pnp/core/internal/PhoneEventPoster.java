package pnp.core.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import pnp.api.PhoneEvents;

/** Posts a phone's state changes on the {@link PhoneEvents} topics, asynchronously, when EventAdmin runs. */
final class PhoneEventPoster {

    private final Supplier<EventAdmin> events;

    PhoneEventPoster(Supplier<EventAdmin> events) {
        this.events = events;
    }

    void post(String topic, PhoneRecord rec) {
        EventAdmin ea = events.get();
        if (ea == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(PhoneEvents.MAC, rec.mac.value());
        props.put(PhoneEvents.STATE, rec.state.name());
        props.put(PhoneEvents.REASON, rec.reason);
        if (!rec.profile.isEmpty()) {
            props.put(PhoneEvents.VENDOR, rec.profile);
        }
        if (rec.sighting != null) {
            props.put(PhoneEvents.MODEL, rec.sighting.model());
            props.put(PhoneEvents.ADDRESS, rec.sighting.sourceAddress());
        }
        if (rec.lastDownload != null && PhoneEvents.DOWNLOADED.equals(topic)) {
            props.put(PhoneEvents.FILE, rec.lastDownload.file());
        }
        ea.postEvent(new Event(topic, props));
    }
}
