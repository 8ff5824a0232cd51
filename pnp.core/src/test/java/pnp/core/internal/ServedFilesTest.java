package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles.Credentials;
import pnp.api.ProvisioningFiles.Found;
import pnp.api.ProvisioningFiles.Lookup;
import pnp.api.ProvisioningFiles.NotFound;

/** Every access rule of the served-file index, one test each (see {@link ServedFiles}). */
class ServedFilesTest {

    static final MacAddress A = MacAddress.parse("000b82000001").orElseThrow();
    static final MacAddress B = MacAddress.parse("000b82000002").orElseThrow();
    static final String A_ADDRESS = "10.0.0.1";
    static final String B_ADDRESS = "10.0.0.2";
    static final String TOKEN_A = "tokenAAAAAAAAAAAAAAAAA";
    static final String TOKEN_B = "tokenBBBBBBBBBBBBBBBBB";

    final ServedFiles served = new ServedFiles();

    @BeforeEach
    void publish() {
        served.rules(new ServedFiles.AccessRules(true, false));
        served.publish(A, TOKEN_A, A_ADDRESS, List.of(phoneFile(A), common("y000000000000.cfg")), null);
        served.publish(B, TOKEN_B, B_ADDRESS, List.of(phoneFile(B)), null);
    }

    @Test
    void aTokenServesOnlyItsOwnPhonesFiles() throws Exception {
        assertEquals(A, found(served.lookup(TOKEN_A, A.value() + ".cfg", ip("192.0.2.9"), "http")).mac(),
                "with the token, from any address when HTTP is not restricted");
        notFound(served.lookup(TOKEN_A, B.value() + ".cfg", ip(A_ADDRESS), "http"), "has no file");
        notFound(served.lookup("tokenXXXXXXXXXXXXXXXXX", A.value() + ".cfg", ip(A_ADDRESS), "http"), "no phone");
    }

    @Test
    void httpOnlyToSubscriberRequiresTheTokenAndTheAddress() throws Exception {
        served.rules(new ServedFiles.AccessRules(true, true));
        notFound(served.lookup(TOKEN_A, A.value() + ".cfg", ip("192.0.2.9"), "http"), "only served to " + A_ADDRESS);
        assertEquals(A, found(served.lookup(TOKEN_A, A.value() + ".cfg", ip(A_ADDRESS), "http")).mac());
        notFound(served.lookup(null, A.value() + ".cfg", ip("192.0.2.9"), "http"), "another address");
    }

    @Test
    void withoutATokenAPhoneFileGoesToItsSubscriberAddress() throws Exception {
        assertEquals(A, found(served.lookup(null, A.value() + ".CFG", ip(A_ADDRESS), "tftp")).mac());
        notFound(served.lookup(null, A.value() + ".cfg", ip(B_ADDRESS), "tftp"), "another address");
    }

    @Test
    void unrestrictedProtocolServesTheOnlyOwnerOfANameToAnyAddress() throws Exception {
        served.rules(new ServedFiles.AccessRules(false, false));
        assertEquals(A, found(served.lookup(null, A.value() + ".cfg", ip("192.0.2.9"), "tftp")).mac());
        served.publish(B, TOKEN_B, B_ADDRESS, List.of(phoneFile(B), ProvisioningFile.phone("shared.cfg",
                bytes("b"), "text/plain")), null);
        served.publish(A, TOKEN_A, A_ADDRESS, List.of(phoneFile(A), ProvisioningFile.phone("shared.cfg",
                bytes("a"), "text/plain")), null);
        notFound(served.lookup(null, "shared.cfg", ip("192.0.2.9"), "tftp"), "another address");
        assertArrayEquals(bytes("b"), found(served.lookup(null, "shared.cfg", ip(B_ADDRESS), "tftp")).file().content(),
                "a shared name goes to the phone at the requester's address");
    }

    @Test
    void aFileProtectedByHttpAuthenticationIsNotServedOverTftp() throws Exception {
        Credentials digest = new Credentials("digest", A.value(), "pw");
        served.publish(A, TOKEN_A, A_ADDRESS, List.of(phoneFile(A)), digest);
        notFound(served.lookup(null, A.value() + ".cfg", ip(A_ADDRESS), "tftp"), "HTTP authentication");
        assertEquals(digest, found(served.lookup(TOKEN_A, A.value() + ".cfg", ip(A_ADDRESS), "http")).credentials());
    }

    @Test
    void commonFilesGoToAnyone() throws Exception {
        Found common = found(served.lookup(null, "Y000000000000.cfg", ip("192.0.2.9"), "tftp"));
        assertNull(common.mac(), "a common file belongs to no phone");
        assertNull(common.credentials(), "and needs no password");
        notFound(served.lookup(null, "nothing.cfg", ip(A_ADDRESS), "tftp"), "no phone or vendor");
    }

    @Test
    void anUnpublishedPhoneHasNoFiles() throws Exception {
        served.unpublish(A);
        notFound(served.lookup(TOKEN_A, A.value() + ".cfg", ip(A_ADDRESS), "http"), "no phone has this token");
        notFound(served.lookup(null, A.value() + ".cfg", ip(A_ADDRESS), "tftp"), "no phone or vendor");
        assertTrue(served.lookup(null, "y000000000000.cfg", ip(A_ADDRESS), "tftp") instanceof Found,
                "common files stay for the vendor's other phones");
    }

    @Test
    void aRepublishedFileKeepsItsModificationTimeWhenItsBytesAreTheSame() throws Exception {
        Found before = found(served.lookup(TOKEN_A, A.value() + ".cfg", ip(A_ADDRESS), "http"));
        Thread.sleep(5);
        served.publish(A, TOKEN_A, A_ADDRESS, List.of(phoneFile(A)), null);
        Found after = found(served.lookup(TOKEN_A, A.value() + ".cfg", ip(A_ADDRESS), "http"));
        assertEquals(before.lastModified(), after.lastModified());
        assertEquals(before.etag(), after.etag());
    }

    private static Found found(Lookup l) {
        return assertInstanceOf(Found.class, l, () -> l.toString());
    }

    private static void notFound(Lookup l, String reasonPart) {
        NotFound n = assertInstanceOf(NotFound.class, l);
        assertTrue(n.reason().contains(reasonPart), n.reason());
    }

    private static ProvisioningFile phoneFile(MacAddress mac) {
        return ProvisioningFile.phone(mac.value() + ".cfg", bytes("phone " + mac), "text/plain");
    }

    private static ProvisioningFile common(String name) {
        return ProvisioningFile.common(name, bytes("common"), "text/plain");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static InetAddress ip(String a) throws Exception {
        return InetAddress.getByName(a);
    }
}
