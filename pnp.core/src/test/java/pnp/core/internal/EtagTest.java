package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import pnp.api.ProvisioningFile;

class EtagTest {

    static ProvisioningFile file(String content) {
        return ProvisioningFile.phone("cfg000b82000001.xml", content.getBytes(StandardCharsets.UTF_8), "text/xml");
    }

    @Test
    void sameBytesSameTagAnyChangeAnotherTag() {
        String xml = "<gs_provision><config><P47>pbx.example</P47><P35>201</P35></config></gs_provision>";
        assertEquals(ServedFiles.etag(file(xml)), ServedFiles.etag(file(xml)));
        assertNotEquals(ServedFiles.etag(file(xml)), ServedFiles.etag(file(xml.replace("201", "202"))));
        assertNotEquals(ServedFiles.etag(file(xml)), ServedFiles.etag(file(xml.replace("201", "210"))), "swapped digits");
        assertNotEquals(ServedFiles.etag(file(xml)), ServedFiles.etag(file(xml + " ")));
        assertNotEquals(ServedFiles.etag(file("")), ServedFiles.etag(file("\0")));
    }

    @Test
    void aStrongQuotedTag() {
        String tag = ServedFiles.etag(file("x"));
        assertTrue(tag.matches("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\""), tag);
    }
}
