package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneSighting;
import pnp.api.PhoneState;
import pnp.api.ServerStatus;

class PhonesJsonTest {

    static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
    static final MacAddress MAC = MacAddress.parse("00:0b:82:27:3b:89").orElseThrow();

    static Phone hostile() {
        PhoneSighting s = new PhoneSighting(MAC, "Grandstream", "\"><img src=x onerror=alert(1)>", "1.0 ${x}",
                "<script>alert(1)</script>", "127.0.0.1", 5070, "127.0.0.1", 5070, "lo", "127.0.0.1", true, T);
        return new Phone(MAC, s, T, 3, "", "no profile for '<b>'", false, "", PhoneState.UNCLAIMED, T,
                "line1\nline2 & </script>", null);
    }

    static pnp.api.Reask reask() {
        return new pnp.api.Reask(MAC, "10.0.0.66", "GXP2170", "10.0.0.66", "127.0.0.1", "GXP2170",
                "another address than the one it is bound to", T);
    }

    @Test
    void aPendingRequestIsShownWithTheAskersAddress() {
        String json = PhonesJson.write(List.of(hostile()), Map.of(), List.of(), T,
                mac -> java.util.Optional.of(reask()));
        assertTrue(json.contains("\"reask\":{\"summary\":\"asks to be provisioned again from 10.0.0.66 (was 127.0.0.1)\""),
                json);
        assertTrue(json.contains("\"address\":\"10.0.0.66\""), json);
        assertTrue(PhonesJson.write(List.of(hostile()), Map.of(), List.of(), T).contains("\"reask\":null"));
    }

    @Test
    void hostileStringsAreEscapedAndNoMarkupSurvives() {
        String json = PhonesJson.write(List.of(hostile()), Map.of(),
                List.of(new ServerStatus.Endpoint("tftp", "0.0.0.0", 69, false, "Permission denied <69>")), T);
        assertFalse(json.contains("<"), json);
        assertFalse(json.contains(">"), json);
        assertFalse(json.contains("&"), json);
        assertFalse(json.contains("'"), json);
        assertTrue(json.contains("\"userAgent\":\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\""), json);
        assertTrue(json.contains("\"model\":\"\\\"\\u003e\\u003cimg src=x onerror=alert(1)\\u003e\""), json);
        assertTrue(json.contains("\"reason\":\"line1\\nline2 \\u0026 \\u003c/script\\u003e\""), json);
        assertTrue(json.contains("\"problem\":\"Permission denied \\u003c69\\u003e\""), json);
    }

    @Test
    void rowJoinsInventoryAndAssignmentWithoutPassword() {
        Phone expected = new Phone(MAC, null, null, 0, "Grandstream", "OUI 000b82 is Grandstream", true, "201",
                PhoneState.EXPECTED, T, "assigned; waiting for the phone to boot", null);
        Assignments.Current a = new Assignments.Current("pnp.phone~000b82273b89", MAC, "201", "Alice", "", "",
                List.of("G722"), List.of("1:blf:202:Bob"), "");
        Map<String, Object> row = PhonesJson.row(expected, a);
        assertEquals("00:0b:82:27:3b:89", row.get("mac"));
        assertEquals(false, row.get("heard"));
        assertEquals("EXPECTED", row.get("state"));
        assertEquals("201", row.get("extension"));
        assertEquals(true, row.get("claimed"));
        String json = Json.write(row);
        assertTrue(json.contains("\"displayName\":\"Alice\""), json);
        assertFalse(json.contains("password"), json);
    }

    @Test
    void unclaimedPhoneSaysSoWithTheReason() {
        Map<String, Object> row = PhonesJson.row(hostile(), null);
        assertEquals(PhonesJson.NO_PROFILE, row.get("profile"));
        assertEquals("no profile for '<b>'", row.get("claimReason"));
        assertEquals(false, row.get("claimed"));
        assertEquals("127.0.0.1", row.get("address"));
        assertEquals("lo", row.get("interface"));
    }

    @Test
    void jsonWritesEveryKindOfValue() {
        assertEquals("{\"a\":[1,true,null,\"x\\\\y\\u2028\"]}",
                Json.write(Map.of("a", java.util.Arrays.asList(1, true, null, "x\\y\u2028"))));
        assertEquals("\"\\u0001\\t\"", Json.write("\u0001\t"));
    }
}
