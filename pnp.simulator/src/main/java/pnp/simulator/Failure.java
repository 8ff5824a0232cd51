package pnp.simulator;

/**
 * Why a phone failed: a short category counted in the summary ("no NOTIFY", "HTTP 404", ...) and the
 * detail written to the per-phone results.
 */
final class Failure extends Exception {

    private static final long serialVersionUID = 1L;

    private final String category;

    Failure(String category, String detail) {
        super(detail, null, false, false);
        this.category = category;
    }

    Failure(String category, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.category = category;
    }

    String category() {
        return category;
    }

    String detail() {
        return getMessage();
    }
}
