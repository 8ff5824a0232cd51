package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ConfigVersionTest {

    @Test
    void mapping() {
        assertEquals("2.0000000000", ConfigVersion.of(0));
        assertEquals("2.0000000007", ConfigVersion.of(7));
        assertEquals("2.0000012345", ConfigVersion.of(12345));
        assertEquals("2.9999999999", ConfigVersion.of(ConfigVersion.MAX_REVISION));
    }

    /** Around every change of digit count and at the top: greater as text, as integers and as decimals. */
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 8, 9, 99, 999, 9_999, 99_999, 999_999, 9_999_999, 99_999_999, 999_999_999,
            1_234_567_890L, 9_999_999_998L})
    void nextRevisionHasGreaterVersion(long revision) {
        String v = ConfigVersion.of(revision);
        String next = ConfigVersion.of(revision + 1);
        assertTrue(next.compareTo(v) > 0, v + " < " + next + " as text");
        assertTrue(new BigDecimal(next).compareTo(new BigDecimal(v)) > 0, "as decimal");
        assertTrue(Double.parseDouble(next) > Double.parseDouble(v), "as double");
        assertTrue(Long.parseLong(next.substring(2)) > Long.parseLong(v.substring(2)), "as minor integer");
        assertEquals(v.length(), next.length());
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, 10_000_000_000L, Long.MAX_VALUE})
    void refusesRevisionsWithoutVersion(long revision) {
        assertThrows(IllegalArgumentException.class, () -> ConfigVersion.of(revision));
    }
}
