package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles;
import pnp.api.ServerStatus.Endpoint;

/** The DS adapter without a framework: configuration, bind failures, status, lookups. */
class TftpComponentTest {

    static final byte[] CONTENT = "<gs_provision version=\"1\"/>".getBytes(StandardCharsets.US_ASCII);

    final Queue<String> calls = new ConcurrentLinkedQueue<>();

    final ProvisioningFiles files = new ProvisioningFiles() {
        @Override
        public Lookup lookup(String token, String name, InetAddress requester, String protocol) {
            calls.add("lookup " + token + " " + name + " " + requester.getHostAddress() + " " + protocol);
            if (name.equals("cfg000b82273b89.xml")) {
                return new Found(MacAddress.parse("00:0b:82:27:3b:89").orElseThrow(),
                        ProvisioningFile.phone("cfg000b82273b89.xml", CONTENT, "application/xml"), "\"1\"",
                        Instant.EPOCH);
            }
            return new NotFound("no phone with that MAC");
        }

        @Override
        public void downloaded(Found file, InetAddress requester, String protocol, String userAgent) {
            calls.add("downloaded " + file.file().name() + " " + requester.getHostAddress() + " " + protocol + " ["
                    + userAgent + "]");
        }
    };

    static TftpComponent.Config config(Object... overrides) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) {
            values.put((String) overrides[i], overrides[i + 1]);
        }
        return (TftpComponent.Config) Proxy.newProxyInstance(TftpComponent.Config.class.getClassLoader(),
                new Class<?>[] {TftpComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return TftpComponent.Config.class;
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    @Test
    void servesTheStoreAndRecordsDeliveries() throws Exception {
        TftpComponent component = new TftpComponent(files, config("address", "127.0.0.1", "port", 0));
        try {
            Endpoint e = component.endpoints().get(0);
            assertTrue(e.listening(), e.toString());
            assertEquals("tftp", e.protocol());
            assertEquals("127.0.0.1", e.address());
            assertEquals("", e.problem());
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", e.port());
            try (TftpTestClient c = new TftpTestClient(server)) {
                assertArrayEquals(CONTENT, c.get("cfg000b82273b89.xml", "octet").content());
                c.sendToServer(TftpTestClient.request(Packets.RRQ, "cfg000b82273b90.xml", "octet"));
                assertEquals("File not found", c.expect(5000).errorMessage());
            }
            TftpServerTest.waitUntil(() -> calls.contains("downloaded cfg000b82273b89.xml 127.0.0.1 tftp []"),
                    "delivery recorded");
            assertTrue(calls.contains("lookup null cfg000b82273b89.xml 127.0.0.1 tftp"), calls::toString);
        } finally {
            component.deactivate();
        }
    }

    @Test
    void portInUseIsReportedNotThrown() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = taken.getLocalPort();
            TftpComponent component = new TftpComponent(files, config("address", "127.0.0.1", "port", port));
            try {
                Endpoint e = component.endpoints().get(0);
                assertFalse(e.listening());
                assertEquals(port, e.port());
                assertTrue(e.problem().contains("in use"), e.problem());

                component.modified(config("address", "127.0.0.1", "port", 0));
                Endpoint fixed = component.endpoints().get(0);
                assertTrue(fixed.listening(), fixed.toString());
                assertNotEquals(port, fixed.port());
            } finally {
                component.deactivate();
            }
        }
    }

    @Test
    void unknownAddressIsReported() {
        TftpComponent component = new TftpComponent(files, config("address", "not an address!", "port", 0));
        try {
            Endpoint e = component.endpoints().get(0);
            assertFalse(e.listening());
            assertTrue(e.problem().contains("unknown address"), e.problem());
        } finally {
            component.deactivate();
        }
    }

    @Test
    void disabledAndReconfigured() throws Exception {
        TftpComponent component = new TftpComponent(files, config("enabled", false, "address", "127.0.0.1"));
        try {
            assertEquals(List.of(new Endpoint("tftp", "127.0.0.1", 69, false, "disabled by configuration")),
                    component.endpoints());

            component.modified(config("address", "127.0.0.1", "port", 0));
            int port = component.endpoints().get(0).port();
            assertTrue(component.endpoints().get(0).listening());

            component.modified(config("address", "127.0.0.1", "port", 0, "maxTransfersPerAddress", 2));
            assertEquals(port, component.endpoints().get(0).port(), "limits change without a rebind");

            component.deactivate();
            try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals(port, again.getLocalPort(), "port released on deactivate");
            }
        } finally {
            component.deactivate();
        }
    }
}
