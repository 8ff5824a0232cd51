package pnp.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A file's bytes cannot be changed through what it hands out. */
class ProvisioningFileTest {

    final byte[] bytes = "P35=5001\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void contentIsACopy() {
        ProvisioningFile f = ProvisioningFile.phone("cfg000b82112233.xml", bytes, "text/xml");
        f.content()[0] = 'X';
        bytes[1] = 'X'; // the array given to the constructor
        assertEquals("P35=5001\n", new String(f.content(), StandardCharsets.US_ASCII));
    }

    @Test
    void contentBufferIsAReadOnlyViewOfTheSameBytes() {
        ProvisioningFile f = ProvisioningFile.phone("cfg000b82112233.xml", bytes, "text/xml");
        ByteBuffer b = f.contentBuffer();
        assertTrue(b.isReadOnly());
        assertEquals(f.length(), b.remaining());
        byte[] read = new byte[b.remaining()];
        b.get(read);
        assertArrayEquals(f.content(), read);
        assertThrows(ReadOnlyBufferException.class, () -> f.contentBuffer().put(0, (byte) 'X'));
        assertEquals(f.length(), f.contentBuffer().remaining(), "each call is a fresh view");
    }
}
