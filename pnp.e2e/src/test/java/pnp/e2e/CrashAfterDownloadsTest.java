package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A URL that was served keeps serving the same bytes after a crash: 100 pre-assigned phones (the
 * simulator, each from its own address, unicast) SUBSCRIBE, get their NOTIFY and download their
 * files, and the server is killed with {@code kill -9} as soon as the last phone has its files: within
 * the second in which the inventory's journal is written in the background. After a
 * restart on the same home, every URL must answer 200 with the bytes served before the kill (a phone
 * rebooting fetches its file again before it SUBSCRIBEs).
 */
class CrashAfterDownloadsTest {

    static final String SIMULATOR = System.getProperty("pnp.simulator.jar");
    static final int PHONES = 100;

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "curl", "timeout", "cmp", "xargs");
    }

    @Test
    void everyUrlServedBeforeKillMinus9ServesTheSameBytesAfterTheRestart(@TempDir Path dir) throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(deploy.resolve("pnp.sip.cfg"), "address=127.0.0.1\nport=5060\nmulticast=false\n");
        for (int i = 0; i < PHONES; i++) {
            String mac = String.format("000b82%06x", 0x300000 + i);
            Files.writeString(deploy.resolve("pnp.phone-" + mac + ".cfg"),
                    "mac=" + mac + "\nextension=" + (3000 + i) + "\npassword=crash-secret-" + i + "\n");
        }
        String out = Namespace.run(dir, PhonesConsoleTest.start()
                // the pre-assigned phones are in the journal (EXPECTED, with their token) before they boot
                + "for i in $(seq 1 300); do [ $(phones_in home/data/phones/phones.journal EXPECTED) -ge " + PHONES
                + " ] && break; sleep 0.1; done\n"
                + "echo \"expected before the boot: $(phones_in home/data/phones/phones.journal EXPECTED)\"\n"
                + "timeout 100 java -jar " + SIMULATOR + " --target 127.0.0.1:5060 --phones " + PHONES
                + " --mac-start 000B82300000 --source-from 127.1.0.1 --downloads 1 --linger 0 --timeout 80 --quiet"
                + " --save-files before --out results.csv > sim.txt 2>&1 &\n"
                + "sim=$!\n"
                // kill -9 as soon as the last phone has its files (each phone saves them right after downloading)
                + "for i in $(seq 1 4000); do [ $(ls before 2>/dev/null | wc -l) -ge " + PHONES + " ] && break;"
                + " sleep 0.02; done\n"
                + "kill -9 $server; wait $server 2>/dev/null\n"
                + "wait $sim; echo \"simulator exit $?\"\n"
                + "echo \"killed; the journal lists $(phones_in home/data/phones/phones.journal EXPECTED) phones EXPECTED\"\n"
                // one line per file served: the simulator's saved copy and the URL it came from
                + "tail -n +2 results.csv | cut -d, -f2,11 | while IFS=, read mac url; do for f in before/$mac/*; do"
                + " echo \"$f ${url%/*}/${f##*/}\"; done; done > served.txt\n"
                + "echo '--- restarted after kill -9 ---' >> home/server.log\n"
                + PhonesConsoleTest.start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                // served again once the profiles and assignments are back (within the 10 s start-up grace)
                + "for i in $(seq 1 40); do ok=0; while read f url; do"
                + " curl -s -o after.tmp \"$url\" && cmp -s after.tmp \"$f\" && ok=$((ok+1)); done < served.txt;"
                + " [ $ok -ge $(wc -l < served.txt) ] && break; sleep 0.5; done\n"
                + "echo \"files served before the kill: $(wc -l < served.txt); the same after the restart: $ok\"\n"
                + "while read f url; do curl -s -o after.tmp -w \"%{http_code} \" \"$url\"; cmp -s after.tmp \"$f\""
                + " && echo same || echo \"differs: $url\"; done < served.txt | grep -v same | head -5\n",
                300);
        System.out.print(out);
        String context = out + "\n--- simulator ---\n" + Namespace.files(dir, "sim.txt") + Namespace.serverLog(dir);
        assertTrue(out.contains("simulator exit 0"), "every phone was provisioned before the kill:\n" + context);
        long served = Files.readAllLines(dir.resolve("served.txt"), StandardCharsets.UTF_8).size();
        assertTrue(served >= PHONES, "every phone downloaded at least one file: " + served + "\n" + context);
        assertTrue(out.contains("files served before the kill: " + served + "; the same after the restart: " + served
                + "\n"), "every URL served before the kill serves the same bytes after the restart:\n" + context);
    }
}
