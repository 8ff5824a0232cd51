package pnp.api;

import java.util.Objects;

/**
 * How one resync NOTIFY ended, as far as the sender saw it. An accepted NOTIFY is not yet a resynced
 * phone: the server still waits for the phone's download.
 *
 * @param result what happened
 * @param statusCode the phone's final SIP status, 0 when none came (or the sender did not send)
 * @param detail for the administrator, e.g. {@code "200 OK"}, {@code "481 Call/Transaction Does Not
 *        Exist"}, {@code "no answer within 32 s"}, {@code "no registration of 201 on this PBX"}
 */
public record ResyncOutcome(Result result, int statusCode, String detail) {

    /** The kinds of outcome the server tells apart. */
    public enum Result {
        /** The phone answered 2xx. */
        ACCEPTED,
        /** The phone answered a final status other than 2xx, 401 and 407. */
        REJECTED,
        /** No final answer came before the transaction timed out. */
        NO_ANSWER,
        /**
         * The phone challenged (401/407) and did not accept the answer, or the sender had no
         * credentials to answer with.
         */
        DEMANDS_AUTHENTICATION,
        /** The sender did not send it: it cannot reach this phone (detail says why). */
        NOT_SENT
    }

    public ResyncOutcome {
        Objects.requireNonNull(result, "result");
        if (statusCode != 0 && (statusCode < 100 || statusCode > 699)) {
            throw new IllegalArgumentException("not a SIP status code: " + statusCode);
        }
        detail = Objects.requireNonNullElse(detail, "");
    }

    public static ResyncOutcome accepted(int statusCode, String detail) {
        return new ResyncOutcome(Result.ACCEPTED, statusCode, detail);
    }

    public static ResyncOutcome rejected(int statusCode, String detail) {
        return new ResyncOutcome(Result.REJECTED, statusCode, detail);
    }

    public static ResyncOutcome noAnswer(String detail) {
        return new ResyncOutcome(Result.NO_ANSWER, 0, detail);
    }

    public static ResyncOutcome demandsAuthentication(int statusCode, String detail) {
        return new ResyncOutcome(Result.DEMANDS_AUTHENTICATION, statusCode, detail);
    }

    public static ResyncOutcome notSent(String detail) {
        return new ResyncOutcome(Result.NOT_SENT, 0, detail);
    }

    public boolean accepted() {
        return result == Result.ACCEPTED;
    }
}
