package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;

class AssignmentsCsvTest {

    @Test
    void goodLinesAreReadAndBadOnesReportedByNumber() {
        AssignmentsCsv.Result r = AssignmentsCsv.parse("""
                mac,extension,name,password
                00:0b:82:27:3b:89,201,Alice
                # a comment

                000B82273B90, 202 ,"Smith, Bob",Bob-s3cret-pw
                zz:0b:82:27:3b:91,203,Carol
                00-0b-82-27-3b-89,204,Alice again
                000b.8227.3b92,201,Dave
                000b82273b93,,Eve
                000b82273b94,205
                000b82273b95,206,"Frank
                """);
        assertEquals(2, r.lines().size());
        AssignmentsCsv.Line alice = r.lines().get(0);
        assertEquals(new AssignmentsCsv.Line(2, MacAddress.parse("000b82273b89").orElseThrow(), "201", "Alice", ""),
                alice);
        AssignmentsCsv.Line bob = r.lines().get(1);
        assertEquals("Smith, Bob", bob.displayName());
        assertEquals("202", bob.extension());
        assertEquals("Bob-s3cret-pw", bob.password());
        List<Integer> bad = r.problems().stream().map(AssignmentsCsv.Problem::number).toList();
        assertEquals(List.of(6, 7, 8, 9, 10, 11), bad);
        assertTrue(r.problems().get(0).message().contains("'zz:0b:82:27:3b:91' is not a MAC address"));
        assertTrue(r.problems().get(1).message().contains("duplicate: MAC 00:0b:82:27:3b:89 is already on line 2"));
        assertTrue(r.problems().get(2).message().contains("duplicate: extension 201 is already on line 2"));
        assertTrue(r.problems().get(3).message().contains("extension is empty"));
        assertTrue(r.problems().get(4).message().contains("found 2 fields"));
        assertTrue(r.problems().get(5).message().contains("not closed"));
    }

    @Test
    void quotingFollowsRfc4180() {
        assertEquals(List.of("a", "b \"c\"", "", "d,e"), AssignmentsCsv.fields("a,\"b \"\"c\"\"\",,\"d,e\""));
        assertThrows(IllegalArgumentException.class, () -> AssignmentsCsv.fields("\"open"));
    }

    @Test
    void exportHasNoPasswordsAndQuotesOrDefusesWhatNeedsIt() {
        MacAddress mac = MacAddress.parse("000b82273b89").orElseThrow();
        String csv = AssignmentsCsv.write(List.of(
                new Assignments.Current("p1", mac, "201", "Smith, \"Al\"", "", "", List.of(), List.of(), ""),
                new Assignments.Current("p2", MacAddress.parse("000b82273b90").orElseThrow(), "202",
                        "=HYPERLINK(\"x\")", "", "", List.of(), List.of(), "")));
        assertEquals("mac,extension,name\r\n00:0b:82:27:3b:89,201,\"Smith, \"\"Al\"\"\"\r\n"
                + "00:0b:82:27:3b:90,202,\"'=HYPERLINK(\"\"x\"\")\"\r\n", csv);
        AssignmentsCsv.Result back = AssignmentsCsv.parse(csv);
        assertEquals("Smith, \"Al\"", back.lines().get(0).displayName(), "the export reads back in");
    }
}
