package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first hour, as a new user meets it: a fresh home, the server started as {@code ./run}
 * starts it ({@code jvm.options}, {@code -Dpnp.home}), on a host whose first interface is not loopback
 * (a veth in the test's namespace, as eth0 on a real machine), then the README's walkthrough with its
 * own commands: the password from the ready line, the page token, the CSV import, and the simulator
 * with {@code --target 127.0.0.1:5060}. The phone must end PROVISIONED.
 */
class QuickStartTest {

    static final Path JAR = Path.of(System.getProperty("pnp.jar"));
    static final Path ROOT = JAR.getParent().getParent().getParent();
    static final String SIMULATOR = System.getProperty("pnp.simulator.jar");
    static final String MAC = "000b82000001";

    /** A second, non-loopback interface first in line for pnp.sip's default address, as on a real host. */
    static final String LAN = "ip link add eth9 type veth peer name eth9p\n"
            + "ip addr add 10.200.0.1/24 dev eth9\nip link set eth9 up\nip link set eth9p up\n";

    /** The server as ./run starts it (without the build), in the background; waits, bounded, for the ready line. */
    static final String RUN = "read -r -a jvm <<<\"$(cat " + ROOT.resolve("jvm.options") + ")\"\n"
            + "mkdir -p home\n"
            + "(cd home && exec java \"${jvm[@]}\" -Dpnp.home=\"$PWD\" -jar " + JAR + " </dev/null >server.log 2>&1) &\n"
            + "server=$!\n"
            + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
            + "for i in $(seq 1 300); do grep -q 'PnP server ready' home/server.log && break; sleep 0.1; done\n";

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "curl", "timeout");
        assertTrue(Files.isRegularFile(Path.of(SIMULATOR)), "build pnp.simulator first: " + SIMULATOR);
    }

    @Test
    void theFirstStartLogShowsTheReadyLineWithThePasswordAndNoWarnings(@TempDir Path dir) throws Exception {
        String out = Namespace.run(dir, LAN + RUN
                // steady state for a moment: late warnings (configuration, vendor bundles) count too
                + "sleep 2\n", 60);
        List<String> log = Files.readAllLines(dir.resolve("home/server.log"));
        String context = out + Namespace.serverLog(dir);
        List<String> ready = log.stream().filter(l -> l.contains("PnP server ready")).toList();
        assertEquals(1, ready.size(), "one ready line:\n" + context);
        Matcher line = Pattern.compile(" INFO  ReadyLine - PnP server ready\\. Phones page: "
                + "http://127\\.0\\.0\\.1:8080/system/console/phones with generated credentials user 'admin' "
                + "password '([A-Za-z0-9_-]{20})' .*Listening: .*sip/udp 10\\.200\\.0\\.1:5060, sip/udp 127\\.0\\.0\\.1:5060.*")
                .matcher(ready.get(0));
        assertTrue(line.find(), "console address, password, SIP addresses:\n" + context);
        assertEquals(1, log.stream().filter(l -> l.contains(line.group(1))).count(), "the password only there:\n" + context);
        List<String> loud = log.stream().filter(l -> !l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} "
                + "(INFO |DEBUG|TRACE) .*")).toList();
        assertEquals(List.of(), loud, "a clean start prints nothing at WARN or above, and no line in another "
                + "format (nothing before the logging is set up):\n" + context);
    }

    @Test
    void theReadmeWalkthroughProvisionsASimulatedPhoneOverLoopback(@TempDir Path dir) throws Exception {
        String out = Namespace.run(dir, LAN + RUN
                // README "Your first phone in five minutes", step by step
                + "PW=$(grep -o \"password '[^']*'\" home/server.log | head -1 | cut -d\"'\" -f2)\n"
                + "TOKEN=$(curl -s -u \"admin:$PW\" http://127.0.0.1:8080/system/console/phones "
                + "| sed -n 's/.*data-token=\"\\([^\"]*\\)\".*/\\1/p')\n"
                + "echo \"import $(printf '000B82000001,201,Alice,Alice-s3cret\\n' | curl -s -u \"admin:$PW\" "
                + "-H \"X-PnP-Token: $TOKEN\" -H 'Content-Type: text/csv' --data-binary @- "
                + "'http://127.0.0.1:8080/system/console/phones?action=import')\"\n"
                + "timeout 60 java -jar " + SIMULATOR + " --target 127.0.0.1:5060 --downloads 2 --timeout 40 > sim.out 2>&1; "
                + "echo \"simulator exit $?\"\n"
                + "for i in $(seq 1 100); do [ \"$(phone_state home/data/phones/phones.journal " + MAC + ")\" = "
                + "PROVISIONED ] && break; sleep 0.1; done\n"
                + "echo \"state $(phone_state home/data/phones/phones.journal " + MAC + ")\"\n"
                + "echo \"json $(curl -s -u \"admin:$PW\" http://127.0.0.1:8080/system/console/phones.json)\"\n", 120);
        String context = out + Namespace.files(dir, "sim.out") + Namespace.serverLog(dir);
        assertTrue(out.contains("simulator exit 0"), "the simulated phone got 200, NOTIFY and its file twice:\n" + context);
        assertTrue(out.contains("state PROVISIONED"), context);
        assertTrue(out.matches("(?s).*json .*\"mac\":\"00:0b:82:00:00:01\".*\"state\":\"PROVISIONED\".*"),
                "the Phones page's data says so too:\n" + context);
        String log = Namespace.serverLog(dir);
        assertTrue(log.matches("(?s).* INFO  Inventory - Phone 000b82000001 downloaded \\S+ over http from "
                + "127\\.0\\.0\\.1: DOWNLOADED\n.* INFO  Inventory - Phone 000b82000001 downloaded \\S+ over http "
                + "from 127\\.0\\.0\\.1: PROVISIONED\n.*"), "one line per download:\n" + context);
    }
}
