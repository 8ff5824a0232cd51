package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;

/** Who serves a file name: one phone, then a shared name, then nobody again. */
class FileOwnersTest {

    static final MacAddress A = MacAddress.parse("000b82000001").orElseThrow();
    static final MacAddress B = MacAddress.parse("000b82000002").orElseThrow();

    @Test
    void aNameGrowsFromOneOwnerToSharedAndShrinksToNone() {
        Set<MacAddress> owners = ServedFiles.withOwner(null, A);
        assertEquals(Set.of(A), owners);
        assertEquals(Set.of(A), ServedFiles.withOwner(owners, A), "adding the owner again changes nothing");
        owners = ServedFiles.withOwner(owners, B);
        assertEquals(Set.of(A, B), owners);
        owners = ServedFiles.withoutOwner(owners, A);
        assertEquals(Set.of(B), owners);
        assertNull(ServedFiles.withoutOwner(owners, B), "no owner left: the name goes");
    }

    @Test
    void removingAnotherPhoneLeavesASingleOwnerAlone() {
        Set<MacAddress> owners = ServedFiles.withOwner(null, A);
        assertEquals(Set.of(A), ServedFiles.withoutOwner(owners, B));
        assertNull(ServedFiles.withoutOwner(owners, A));
    }
}
