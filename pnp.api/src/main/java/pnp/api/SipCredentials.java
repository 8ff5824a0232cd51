package pnp.api;

import java.util.Objects;

/**
 * The SIP digest credentials a phone holds: the authentication id and password written in a file it
 * downloaded.
 *
 * @param authId the authentication id (digest user name), never empty
 * @param password the password, never empty; {@link #toString()} leaves it out
 * @since 1.1
 */
public record SipCredentials(String authId, String password) {

    public SipCredentials {
        if (authId == null || authId.isEmpty()) {
            throw new IllegalArgumentException("SIP credentials need an authentication id");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("SIP credentials need a password");
        }
    }

    /** The credentials an assignment gives its phone. */
    public static SipCredentials of(Assignment assignment) {
        Objects.requireNonNull(assignment, "assignment");
        return new SipCredentials(assignment.authId(), assignment.password());
    }

    /** The authentication id only, for logs. */
    @Override
    public String toString() {
        return "SipCredentials[authId=" + authId + "]";
    }
}
