package pnp.api;

import java.util.Objects;

/**
 * A vendor profile's answer to "is this phone yours?".
 *
 * @param claimed whether the profile provisions this phone
 * @param reason why (or why not), for the console and logs: e.g. {@code "OUI c074ad is Grandstream"}
 */
public record Claim(boolean claimed, String reason) {

    public Claim {
        Objects.requireNonNull(reason, "reason");
    }

    public static Claim mine(String reason) {
        return new Claim(true, reason);
    }

    public static Claim notMine(String reason) {
        return new Claim(false, reason);
    }
}
