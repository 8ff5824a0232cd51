package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.Assignment;
import pnp.api.MacAddress;
import pnp.api.PhoneSighting;
import pnp.api.Rendering;

/** The revision counts changes of the render's inputs, and a digest saved by an earlier version carries over. */
class RenderRevisionTest {

    static final MacAddress MAC = MacAddress.parse("000B82112233").orElseThrow();
    final PhoneFileRenderer renderer = new PhoneFileRenderer(new ProvisioningUrls(), new ServedFiles());
    final VendorProfiles.ProfileRef ref = new VendorProfiles.ProfileRef(new InventoryTest.Profile(), "Test", 0, 1L);

    PhoneRecord heard() {
        PhoneRecord rec = new PhoneRecord(MAC);
        rec.sighting = new PhoneSighting(MAC, "Test", "T1", "1", "", "10.0.0.5", 5060, "10.0.0.5", 5060, "eth0",
                "10.0.0.1", true, Instant.now());
        return rec;
    }

    static Assignment assignment(String extension) {
        return new Assignment(MAC, extension, "", "", "secret-pw", "", "", 0, "", List.of(), List.of(), Map.of());
    }

    Rendering render(PhoneRecord rec, Assignment a) throws Exception {
        return renderer.render(rec, ref, a, "off", 8080);
    }

    @Test
    void sameInputsSameRevisionChangedInputsNext() throws Exception {
        PhoneRecord rec = heard();
        render(rec, assignment("100"));
        long first = rec.revision;
        render(rec, assignment("100"));
        assertEquals(first, rec.revision, "rendered again with the same inputs");
        render(rec, assignment("101"));
        assertEquals(first + 1, rec.revision, "a changed extension is a new revision");
    }

    @Test
    void aSha256DigestOfAnEarlierVersionKeepsTheRevision() throws Exception {
        PhoneRecord rec = heard();
        render(rec, assignment("100"));
        String cheap = rec.inputsDigest;
        long revision = rec.revision;
        // What an earlier version saved for the same inputs: SHA-256 of the same text.
        rec.inputsDigest = sha256OfSameInputs(rec);
        assertEquals(64, rec.inputsDigest.length());
        render(rec, assignment("100"));
        assertEquals(revision, rec.revision, "the same inputs under the old digest are not a change");
        assertEquals(cheap, rec.inputsDigest, "the digest is replaced by the current kind");

        rec.inputsDigest = "0".repeat(64); // an old digest of other inputs
        render(rec, assignment("100"));
        assertEquals(revision + 1, rec.revision);
        assertNotEquals(64, rec.inputsDigest.length());
    }

    /** The inputs as the renderer joins them for this test's phone (auth off, no credentials). */
    private String sha256OfSameInputs(PhoneRecord rec) throws Exception {
        Assignment a = assignment("100");
        ProvisioningUrls urls = new ProvisioningUrls();
        String host = ProvisioningUrls.host(rec.sighting);
        String inputs = String.join("\u0000", "Test", a.toString(), a.password(), a.voicemail(),
                a.lineKeys().toString(), new java.util.TreeMap<>(a.overrides()).toString(), "T1", host,
                urls.httpBase(host, 8080) + rec.token + "/", urls.tftpBase(host), "off", "", "");
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(inputs.getBytes(StandardCharsets.UTF_8)));
    }
}
