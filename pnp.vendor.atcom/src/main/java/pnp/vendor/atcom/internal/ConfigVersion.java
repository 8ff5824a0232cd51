package pnp.vendor.atcom.internal;

/**
 * The {@code Version:} of a rendered file, derived from {@link pnp.api.RenderRequest#revision()}.
 *
 * <p>Older ATCOM firmware ignores a file whose version is not greater than the one it stored. The
 * mapping is {@code "2." + revision zero-padded to 10 digits}: revision 7 gives {@code 2.0000000007}.
 * Because the width is fixed, versions for revisions 0 … {@value #MAX_REVISION} grow in every
 * reading a firmware might use: as text, as a (major, minor) pair of integers and as a decimal
 * number (a {@code double} resolves the 10th decimal near 2). Larger or negative revisions are
 * refused rather than wrapped.
 */
final class ConfigVersion {

    /** The largest revision with a version of fixed width. */
    static final long MAX_REVISION = 9_999_999_999L;

    private static final int WIDTH = 10;

    private ConfigVersion() {
    }

    /**
     * @throws IllegalArgumentException when the revision is negative or above {@link #MAX_REVISION}
     */
    static String of(long revision) {
        if (revision < 0 || revision > MAX_REVISION) {
            throw new IllegalArgumentException("revision " + revision + " has no ATCOM config version (0.."
                    + MAX_REVISION + ")");
        }
        String digits = Long.toString(revision);
        return "2." + "0".repeat(WIDTH - digits.length()) + digits;
    }
}
