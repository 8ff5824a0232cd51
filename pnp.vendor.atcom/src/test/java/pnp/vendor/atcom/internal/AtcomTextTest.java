package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AtcomTextTest {

    @Test
    void valueDropsEverythingThatCouldEndALine() {
        assertEquals("abcdefghi", AtcomText.value("a\rb\nc\u0085d\u2028e\u2029f\u0000g\th\u000Bi"));
    }

    @Test
    void valueDropsInvisibleFormatCharacters() {
        assertEquals("evil", AtcomText.value("\u202Eev\u200Bil\uFEFF"));
    }

    @Test
    void valueKeepsSeparatorsAndText() {
        assertEquals("Jürgen <&> \"x\" : P2=1 ☎", AtcomText.value("Jürgen <&> \"x\" : P2=1 ☎"));
        assertEquals("", AtcomText.value(null));
    }

    @Test
    void keyLosesSeparatorsAndSectionMarks() {
        assertEquals("SIP1 Register Pswd", AtcomText.key(" SIP1 Register\n Pswd: "));
        assertEquals("SIP CONFIG MODULE", AtcomText.key("<SIP CONFIG MODULE>"));
    }
}
