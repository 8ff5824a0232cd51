package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.api.MacAddress;

class AssignmentsTest {

    static final MacAddress MAC = MacAddress.parse("000b82273b89").orElseThrow();
    final FakeConfigAdmin cm = new FakeConfigAdmin();
    final Assignments assignments = new Assignments(cm.service, () -> "Generated1234567890x");

    static Assignments.Request request(MacAddress mac, String extension, String password) {
        return new Assignments.Request(mac, extension, "", "", password, "Alice", List.of(), List.of());
    }

    @Test
    void assigningCreatesAFactoryConfigurationNamedAfterTheMacWithAGeneratedPassword() throws Exception {
        Assignments.Saved s = assignments.assign(new Assignments.Request(MAC, "201", "u201", "", "", "Alice",
                List.of("g722", "pcmu"), List.of("1:blf:202:Bob", "2:speed:100")));
        assertEquals("pnp.phone~000b82273b89", s.pid());
        assertTrue(s.created());
        assertEquals("Generated1234567890x", s.generatedPassword());
        Map<String, Object> p = cm.store.get(s.pid());
        assertEquals("000b82273b89", p.get("mac"));
        assertEquals("201", p.get("extension"));
        assertEquals("Generated1234567890x", p.get("password"));
        assertEquals("u201", p.get("sipUserId"));
        assertNull(p.get("authId"), "defaults to the SIP user id in pnp.core");
        assertArrayEquals(new String[] { "G722", "PCMU" }, (String[]) p.get("codecs"));
        assertArrayEquals(new String[] { "1:blf:202:Bob", "2:speed:100" }, (String[]) p.get("lineKeys"));
        Assignments.Current c = assignments.all().get(MAC);
        assertEquals("Alice", c.displayName());
        assertEquals(List.of("1:blf:202:Bob", "2:speed:100"), c.lineKeys());
    }

    @Test
    void updatingKeepsThePasswordAndTheKeysTheConsoleDoesNotEdit() throws Exception {
        cm.put("pnp.phone~alice", "pnp.phone", Map.of("mac", "00:0B:82:27:3B:89", "extension", "201",
                "password", "Alice-s3cret", "sipServer", "pbx.example", "voicemail", "*97"));
        Assignments.Saved s = assignments.assign(request(MAC, "210", ""));
        assertFalse(s.created());
        assertEquals("", s.generatedPassword(), "kept its own");
        Map<String, Object> p = cm.store.get("pnp.phone~alice");
        assertEquals("Alice-s3cret", p.get("password"));
        assertEquals("210", p.get("extension"));
        assertEquals("pbx.example", p.get("sipServer"));
        assertEquals("*97", p.get("voicemail"));
        assertEquals(1, cm.store.size(), "no second configuration for the same phone");
    }

    @Test
    void anExtensionOfAnotherPhoneIsRefused() throws Exception {
        assignments.assign(request(MAC, "201", "Secret-pw-1"));
        MacAddress other = MacAddress.parse("000b82273b90").orElseThrow();
        Assignments.Rejected e = assertThrows(Assignments.Rejected.class,
                () -> assignments.assign(request(other, "201", "")));
        assertTrue(e.getMessage().contains("already assigned to 00:0b:82:27:3b:89"), e.getMessage());
    }

    @Test
    void aBulkImportSeesItsOwnEarlierLines() throws Exception {
        MacAddress b = MacAddress.parse("000b82273b90").orElseThrow();
        MacAddress c = MacAddress.parse("000b82273b91").orElseThrow();
        List<Object> out = assignments.assignAll(List.of(
                request(MAC, "201", "Secret-pw-1"),
                request(b, "201", "Secret-pw-2"), // taken by the line before
                request(MAC, "205", "Secret-pw-1"), // the same phone again: an update, 201 is free again
                request(c, "201", "Secret-pw-3")));
        assertTrue(out.get(0) instanceof Assignments.Saved s && s.created(), out.toString());
        assertTrue(out.get(1) instanceof Assignments.Rejected r && r.getMessage().contains("00:0b:82:27:3b:89"),
                out.toString());
        assertTrue(out.get(2) instanceof Assignments.Saved s && !s.created(), out.toString());
        assertTrue(out.get(3) instanceof Assignments.Saved, out.toString());
        assertEquals(2, cm.store.size(), "one configuration per phone");
        assertEquals("205", cm.store.get("pnp.phone~000b82273b89").get("extension"));
        assertEquals("201", cm.store.get("pnp.phone~000b82273b91").get("extension"));
    }

    @Test
    void invalidFieldsAreRefusedNamingTheField() {
        assertEquals("extension: required", assertThrows(Assignments.Rejected.class,
                () -> assignments.assign(request(MAC, " ", ""))).getMessage());
        assertTrue(assertThrows(Assignments.Rejected.class, () -> assignments.assign(request(MAC, "20 1", "")))
                .getMessage().startsWith("extension:"));
        assertTrue(assertThrows(Assignments.Rejected.class, () -> assignments.assign(request(MAC, "201", "short")))
                .getMessage().startsWith("password:"));
        assertTrue(assertThrows(Assignments.Rejected.class, () -> assignments.assign(new Assignments.Request(MAC,
                "201", "", "", "", "", List.of(), List.of("1:hold:200")))).getMessage().contains("not blf or speed"));
        assertTrue(assertThrows(Assignments.Rejected.class, () -> assignments.assign(new Assignments.Request(MAC,
                "201", "", "", "", "", List.of(), List.of("x:blf:200")))).getMessage().contains("not a number"));
        assertTrue(assertThrows(Assignments.Rejected.class, () -> assignments.assign(new Assignments.Request(MAC,
                "201", "", "", "", "", List.of("G.7<22>"), List.of()))).getMessage().startsWith("codecs:"));
        assertTrue(cm.store.isEmpty());
    }

    @Test
    void unassignDeletesTheConfigurationAndTheDeployFileItCameFrom(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pnp.phone-alice.cfg"), "mac=000B82273B89\n");
        cm.put("pnp.phone~alice", "pnp.phone", Map.of("mac", "000B82273B89", "extension", "201", "password",
                "Alice-s3cret", Assignments.FILEINSTALL_FILENAME, file.toUri().toString()));
        assertTrue(assignments.assign(request(MAC, "201", "")).warning().contains(file.toString()),
                "says the file was not changed");
        assertEquals(file.toString(), assignments.all().get(MAC).file());
        List<String> removed = assignments.unassign(MAC);
        assertEquals(List.of("pnp.phone~alice", file.toString()), removed);
        assertTrue(cm.store.isEmpty());
        assertFalse(Files.exists(file));
        assertEquals(List.of(), assignments.unassign(MAC));
    }

    @Test
    void generatedPasswordsAreLongAndUnambiguous() {
        SecureRandom random = new SecureRandom();
        String a = Assignments.generatePassword(random);
        assertEquals(20, a.length());
        assertTrue(a.matches("[A-Za-z2-9]+") && !a.matches(".*[01OlI].*"), a);
        assertFalse(a.equals(Assignments.generatePassword(random)));
    }
}
