package pnp.api;

import java.util.Locale;
import java.util.Optional;

/**
 * A 48-bit MAC address in its normalised form: twelve lower-case hexadecimal digits, no separators.
 *
 * @param value twelve lower-case hex digits
 */
public record MacAddress(String value) implements Comparable<MacAddress> {

    public MacAddress {
        if (value == null || value.length() != 12 || !isHex(value) || !value.equals(value.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not a normalised MAC address: " + value);
        }
    }

    /**
     * Reads a MAC address written with or without separators ({@code :}, {@code -}, {@code .}) in any
     * case, e.g. {@code 000B82273B89}, {@code 00:0b:82:27:3b:89}, {@code 000b.8227.3b89}.
     *
     * @return the address, or empty when the text is not a MAC address
     */
    public static Optional<MacAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        StringBuilder digits = new StringBuilder(12);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':' || c == '-' || c == '.') {
                continue;
            }
            if (Character.digit(c, 16) < 0 || digits.length() == 12) {
                return Optional.empty();
            }
            digits.append(Character.toLowerCase(c));
        }
        return digits.length() == 12 ? Optional.of(new MacAddress(digits.toString())) : Optional.empty();
    }

    /** The organisationally unique identifier: the first six hex digits, lower case. */
    public String oui() {
        return value.substring(0, 6);
    }

    /** The address as six raw bytes, most significant first. */
    public byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) Integer.parseInt(value, 2 * i, 2 * i + 2, 16);
        }
        return b;
    }

    /** Upper-case form, as many phones print it. */
    public String upperCase() {
        return value.toUpperCase(Locale.ROOT);
    }

    /** Colon-separated lower-case form, for people. */
    public String colonSeparated() {
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                b.append(':');
            }
            b.append(value, i, i + 2);
        }
        return b.toString();
    }

    @Override
    public int compareTo(MacAddress other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
