package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import pnp.api.Assignment;
import pnp.api.MacAddress;

/** One assignment per phone and one phone per extension, whatever the source (the console's rule). */
class AssignmentTableTest {

    static final MacAddress A = MacAddress.parse("000b82000001").orElseThrow();
    static final MacAddress B = MacAddress.parse("000b82000002").orElseThrow();
    static final String FILE_A = "file /srv/pnp/deploy/pnp.phone-alice.cfg (pnp.phone~alice)";
    static final String FILE_B = "file /srv/pnp/deploy/pnp.phone-bob.cfg (pnp.phone~bob)";

    final AssignmentTable table = new AssignmentTable();

    @Test
    void aSecondPhoneOnAnExtensionIsRefusedNamingTheFirst() {
        assertInstanceOf(AssignmentTable.Applied.class, table.put("pnp.phone~alice", assignment(A, "201"), FILE_A));
        AssignmentTable.Refused refused = assertInstanceOf(AssignmentTable.Refused.class,
                table.put("pnp.phone~bob", assignment(B, "201"), FILE_B));
        assertEquals("extension 201 is already assigned to 00:0b:82:00:00:01", refused.why(),
                "the console's words");
        assertEquals(FILE_A, refused.holder().source(), "the log line names the file holding the extension");
        assertNull(table.get(B), "the second phone is not assigned");
        assertEquals("201", table.get(A).extension());
    }

    @Test
    void theRefusedOneTakesEffectWhenTheFirstGoes() {
        table.put("pnp.phone~alice", assignment(A, "201"), FILE_A);
        table.put("pnp.phone~bob", assignment(B, "201"), FILE_B);
        assertEquals(List.of("pnp.phone~bob"), table.refused().stream().map(AssignmentTable.Entry::pid).toList());
        table.remove("pnp.phone~alice");
        AssignmentTable.Entry waiting = table.refused().get(0);
        assertInstanceOf(AssignmentTable.Applied.class, table.put(waiting.pid(), waiting.assignment(), waiting.source()));
        assertEquals("201", table.get(B).extension());
        assertTrue(table.refused().isEmpty());
    }

    @Test
    void aPhoneAssignedTwiceKeepsTheFirst() {
        table.put("pnp.phone~alice", assignment(A, "201"), FILE_A);
        AssignmentTable.Refused refused = assertInstanceOf(AssignmentTable.Refused.class,
                table.put("pnp.phone~other", assignment(A, "202"), FILE_B));
        assertTrue(refused.why().contains("already assigned"), refused.why());
        assertEquals("201", table.get(A).extension());
    }

    @Test
    void aConfigurationMayChangeItsOwnExtensionOrPhone() {
        table.put("pnp.phone~alice", assignment(A, "201"), FILE_A);
        assertEquals(new AssignmentTable.Applied(Optional.empty()),
                table.put("pnp.phone~alice", assignment(A, "202"), FILE_A));
        assertEquals(new AssignmentTable.Applied(Optional.of(A)),
                table.put("pnp.phone~alice", assignment(B, "202"), FILE_A), "moved from A to B");
        assertNull(table.get(A));
        assertInstanceOf(AssignmentTable.Applied.class, table.put("pnp.phone~bob", assignment(A, "201"), FILE_B),
                "201 is free again");
    }

    @Test
    void aDeployFileIsNamedByItsPath() {
        assertEquals("/srv/pnp/deploy/pnp.phone-bob.cfg", Inventory.filePath("file:/srv/pnp/deploy/pnp.phone-bob.cfg"));
        assertEquals("/srv/x y.cfg", Inventory.filePath("file:/srv/x%20y.cfg"));
    }

    private static Assignment assignment(MacAddress mac, String extension) {
        return new Assignment(mac, extension, "", "", "secret-pw", "", "", 0, "", List.of(), List.of(), Map.of());
    }
}
