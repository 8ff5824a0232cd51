package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Removing a file undoes it" also when the file is removed while the server is stopped: a
 * {@code deploy/pnp.http.cfg} moves the HTTP port to 5482; the server is stopped, the file deleted,
 * and after the next start HTTP is back on its default port 5481 and the log names the file.
 */
class StaleDeployFileTest {

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "curl", "timeout");
    }

    /** Polls (every 0.1 s, at most 10 s) until the port answers HTTP, then prints its status code. */
    private static String answer(String label, int port) {
        return "for i in $(seq 1 100); do code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:" + port
                + "/provisioning/x); [ \"$code\" != 000 ] && break; sleep 0.1; done; echo \"" + label + " " + port
                + " $code\"\n";
    }

    @Test
    void aDeployFileRemovedWhileStoppedIsUndoneAtTheNextStart(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(dir.resolve("home/deploy/pnp.http.cfg"), "port=5482\n");
        String out = Namespace.run(dir, MulticastProvisioningTest.startServer()
                + answer("with file", 5482)
                + "kill $server; wait $server\n"
                + "mv home/server.log home/first.log; rm home/deploy/pnp.http.cfg\n"
                + MulticastProvisioningTest.startServer()
                + answer("without file", 5481)
                + "echo \"old port now $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:5482/provisioning/x)\"\n",
                120);
        String context = out + Namespace.serverLog(dir);
        // pnp.http answers a path that is not a phone's file with its one refusal (401: per-phone authentication is on)
        assertTrue(out.contains("with file 5482 401"), "the file moved HTTP to 5482:\n" + context);
        assertTrue(out.contains("without file 5481 401"), "back on the default port:\n" + context);
        assertTrue(out.contains("old port now 000"), "nothing on 5482 any more:\n" + context);
        assertTrue(Namespace.serverLog(dir).contains("deploy/pnp.http.cfg was removed while the server was stopped: "
                + "its configuration pnp.http is deleted"), context);
    }
}
