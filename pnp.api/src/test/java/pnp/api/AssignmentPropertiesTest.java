package pnp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.AssignmentProperties.InvalidAssignmentException;

class AssignmentPropertiesTest {

    static final MacAddress MAC = MacAddress.parse("000b82273b89").orElseThrow();

    @Test
    void writtenPropertiesReadBackToTheSameAssignment() throws Exception {
        Assignment full = new Assignment(MAC, "201", "u201", "a201", "secret-pw", "Alice", "pbx.example", 5070, "*97",
                List.of("G722", "PCMU"), List.of(new LineKey(1, LineKey.Type.BLF, "202", "Bob"),
                        new LineKey(2, LineKey.Type.SPEED_DIAL, "0800", "")),
                Map.of("P64", "720", "P2", "a=b"));
        assertEquals(full, AssignmentProperties.parse(AssignmentProperties.toProperties(full)));
        Assignment minimal = new Assignment(MAC, "201", "", "", "pw", "", "", 0, "", List.of(), List.of(), Map.of());
        Hashtable<String, Object> p = AssignmentProperties.toProperties(minimal);
        assertEquals(Map.of("mac", "000b82273b89", "extension", "201", "password", "pw"), p,
                "defaults are left out");
        assertEquals(minimal, AssignmentProperties.parse(p));
    }

    @Test
    void cfgFileTextIsRead() throws Exception {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("mac", "00:0B:82:27:3B:89");
        p.put("extension", " 201 ");
        p.put("password", "pw");
        p.put("codecs", "pcmu, g722");
        p.put("lineKeys", "1:blf:202:Bob,2:speed:0800");
        p.put("sipPort", "5070");
        Assignment a = AssignmentProperties.parse(p);
        assertEquals(MAC, a.mac());
        assertEquals("201", a.extension());
        assertEquals(List.of("PCMU", "G722"), a.codecs());
        assertEquals(2, a.lineKeys().size());
        assertEquals(5070, a.sipPort());
    }

    @Test
    void errorsNameTheKey() {
        assertTrue(message(Map.of("extension", "1", "password", "p")).contains("'mac' is missing"));
        assertTrue(message(Map.of("mac", "zz", "extension", "1", "password", "p")).contains("key 'mac'"));
        assertTrue(message(Map.of("mac", "000b82273b89", "password", "p")).contains("'extension' is missing"));
        assertTrue(message(Map.of("mac", "000b82273b89", "extension", "1")).contains("'password' is missing"));
        assertTrue(message(Map.of("mac", "000b82273b89", "extension", "1", "password", "p", "sipPort", "x"))
                .contains("key 'sipPort'"));
        assertTrue(message(Map.of("mac", "000b82273b89", "extension", "1", "password", "p", "sipPort", "70000"))
                .contains("key 'sipPort'"));
        assertTrue(message(Map.of("mac", "000b82273b89", "extension", "1", "password", "p", "lineKeys", "1:dial:2"))
                .contains("key 'lineKeys'"));
        assertTrue(message(Map.of("mac", "000b82273b89", "extension", "1", "password", "p", "overrides", "=x"))
                .contains("key 'overrides'"));
    }

    @Test
    void unknownKeysAreTyposNotFrameworkKeys() {
        Hashtable<String, Object> p = new Hashtable<>(Map.of("mac", "x", "extention", "1", "service.pid", "p",
                "felix.fileinstall.filename", "f"));
        assertEquals(List.of("extention"), AssignmentProperties.unknownKeys(p));
    }

    private static String message(Map<String, Object> props) {
        return assertThrows(InvalidAssignmentException.class, () -> AssignmentProperties.parse(new Hashtable<>(props))).getMessage();
    }
}
