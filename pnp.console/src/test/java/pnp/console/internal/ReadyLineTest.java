package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import pnp.api.ServerStatus.Endpoint;

class ReadyLineTest {

    static final String PAGE = "http://127.0.0.1:8080/system/console/phones";

    @Test
    void namesThePageThePasswordAndWhatListens() {
        assertEquals("PnP server ready. Phones page: " + PAGE + " with generated credentials user 'admin' password 'pw'. "
                + "Listening: sip/udp 10.0.0.2:5060, sip/multicast 224.0.1.75:5060 on eth0, http 0.0.0.0:5481.",
                ReadyLine.line(PAGE, Optional.of("generated credentials user 'admin' password 'pw'"), List.of(
                        new Endpoint("sip/udp", "10.0.0.2", 5060, true, ""),
                        new Endpoint("sip/multicast", "224.0.1.75 on eth0", 5060, true, ""),
                        new Endpoint("http", "0.0.0.0", 5481, true, ""))));
    }

    @Test
    void withoutAGeneratedPasswordAndWithAPortThatFailed() {
        assertEquals("PnP server ready. Phones page: " + PAGE + ". Listening: http 0.0.0.0:5481. "
                + "NOT listening: tftp 0.0.0.0:69 (Permission denied).",
                ReadyLine.line(PAGE, Optional.empty(), List.of(
                        new Endpoint("http", "0.0.0.0", 5481, true, ""),
                        new Endpoint("tftp", "0.0.0.0", 69, false, "Permission denied"))));
    }
}
