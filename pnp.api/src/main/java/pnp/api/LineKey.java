package pnp.api;

import java.util.Objects;

/**
 * One programmable key of the phone.
 *
 * @param position 1-based key position
 * @param type what the key does
 * @param value number or extension dialled or watched
 * @param label text shown beside the key, may be empty
 */
public record LineKey(int position, Type type, String value, String label) {

    /** The functions every supported vendor offers. */
    public enum Type {
        SPEED_DIAL, BLF
    }

    public LineKey {
        if (position < 1) {
            throw new IllegalArgumentException("line key position must be 1 or more: " + position);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        label = Objects.requireNonNullElse(label, "");
    }
}
