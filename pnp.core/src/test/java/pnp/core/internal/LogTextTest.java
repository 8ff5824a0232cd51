package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void controlCharactersAreEscaped() {
        assertEquals("Grandstream\\x1b[2J\\x1b[31m", LogText.of("Grandstream\u001b[2J\u001b[31m"));
        assertEquals("a\\x00b\\x08c\\x7fd\\x0d\\x0a", LogText.of("a\0b\bc\u007fd\r\n"));
        assertEquals("\\x80\\x9f\u00a0é", LogText.of("\u0080\u009f\u00a0é"), "C1 controls escaped, Latin-1 kept");
        assertEquals("tab\\x09", LogText.of("tab\t"));
    }

    @Test
    void aBackslashCannotFakeAnEscape() {
        assertEquals("\\\\x1b", LogText.of("\\x1b"));
    }

    @Test
    void plainTextIsUnchanged() {
        String plain = "GXP2140 1.0.11.3 from 10.0.0.5";
        assertEquals(plain, LogText.of(plain));
        assertEquals("null", LogText.of(null));
    }

    @Test
    void longTextIsCutWithAnEllipsis() {
        String cut = LogText.of("x".repeat(10_000));
        assertEquals(LogText.MAX_CHARS + 1, cut.length());
        assertTrue(cut.endsWith("x…"));
        assertEquals("y".repeat(LogText.MAX_CHARS), LogText.of("y".repeat(LogText.MAX_CHARS)), "at the limit: whole");
        assertTrue(LogText.of("\u001b".repeat(1000)).length() <= 4 * LogText.MAX_CHARS + 1, "escaped text is capped too");
    }
}
