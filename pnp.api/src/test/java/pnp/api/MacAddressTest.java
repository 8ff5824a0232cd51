package pnp.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @ParameterizedTest
    @ValueSource(strings = { "000B82273B89", "000b82273b89", "00:0b:82:27:3b:89", "00-0B-82-27-3B-89", "000b.8227.3b89" })
    void everyCommonNotationNormalises(String text) {
        MacAddress mac = MacAddress.parse(text).orElseThrow();
        assertEquals("000b82273b89", mac.value());
        assertEquals("000b82", mac.oui());
        assertEquals("000B82273B89", mac.upperCase());
        assertEquals("00:0b:82:27:3b:89", mac.colonSeparated());
        assertArrayEquals(new byte[] { 0x00, 0x0b, (byte) 0x82, 0x27, 0x3b, (byte) 0x89 }, mac.bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "000B82273B8", "000B82273B899", "000B82273B8G", "MAC000B82273B89", "00:0b:82:27:3b:89:00" })
    void nonMacsAreRefused(String text) {
        assertTrue(MacAddress.parse(text).isEmpty());
    }

    @Test
    void theRecordOnlyHoldsTheNormalForm() {
        assertThrows(IllegalArgumentException.class, () -> new MacAddress("000B82273B89"));
        assertTrue(MacAddress.parse(null).isEmpty());
    }

    @Test
    void assignmentDefaultsAndNeverPrintsThePassword() {
        Assignment a = new Assignment(MacAddress.parse("000b82273b89").orElseThrow(), "201", "", "", "secret", null, null,
                0, null, null, null, null);
        assertEquals("201", a.sipUserId());
        assertEquals("201", a.authId());
        assertTrue(!a.toString().contains("secret"));
        assertThrows(IllegalArgumentException.class, () -> new Assignment(a.mac(), "201", "", "", "", "", "", 0, "",
                null, null, null));
    }

    @Test
    void filesAnswerToTheirNamesInAnyCase() {
        ProvisioningFile f = ProvisioningFile.phone("cfg000b82273b89.xml", new byte[] { 1 }, "application/xml", "cfg.xml");
        assertTrue(f.answersTo("CFG000B82273B89.XML"));
        assertTrue(f.answersTo("cfg.XML"));
        assertTrue(!f.answersTo("cfg000b82273b89"));
        assertThrows(IllegalArgumentException.class, () -> ProvisioningFile.common("../x", new byte[0], "text/plain"));
    }
}
