package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import pnp.api.MacAddress;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles.Found;

class ServedTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 5000, 200_000})
    void aKeptFileIsServedWithItsExactBytes(int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content); // incompressible: the worst case
        byte[] text = ("<P34>secret</P34>\n".repeat(size / 18 + 1)).substring(0, size).getBytes(StandardCharsets.UTF_8);
        MacAddress mac = MacAddress.parse("000b82273b89").orElseThrow();
        Instant t = Instant.parse("2026-11-22T10:00:00Z");
        for (byte[] bytes : new byte[][] {content, text}) {
            ProvisioningFile f = ProvisioningFile.phone("cfg000b82273b89", bytes, "application/octet-stream", "alias");
            Served.Kept kept = Served.Kept.of(mac, f, "\"e\"", t, null);
            Found found = kept.found();
            assertArrayEquals(bytes, found.file().content());
            assertEquals(f, found.file());
            assertEquals("\"e\"", found.etag());
            assertEquals(t, found.lastModified());
            assertTrue(kept.answersTo("ALIAS"));
        }
        Served.Kept kept = Served.Kept.of(mac, ProvisioningFile.phone("x.xml", text, "text/xml"), "\"e\"", t, null);
        assertTrue(size < 1000 || kept.deflated().length < text.length / 4, "text shrinks: " + kept.deflated().length);
    }
}
