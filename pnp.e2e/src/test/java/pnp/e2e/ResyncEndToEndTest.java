package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Day two, end to end: three pre-assigned Grandstream phones (the simulator, each from its own address,
 * unicast, staying up as resident phones) are provisioned; then their assignments are edited in
 * {@code deploy/}, and the server must tell each one through {@code pnp.sip}'s resync NOTIFY and
 * verify it by its download: the phone that accepts downloads its file again and is RESYNCED with
 * new bytes (its new extension); the phone that challenges is answered
 * with digest from its assignment and is RESYNCED; the phone that ignores the NOTIFY ends
 * RESYNC_FAILED, "no answer".
 */
class ResyncEndToEndTest {

    static final String SIMULATOR = System.getProperty("pnp.simulator.jar");
    static final String ACCEPTS = "000b82400000";
    static final String CHALLENGES = "000b82400001";
    static final String IGNORES = "000b82400002";

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "curl", "timeout");
    }

    @Test
    void anEditedAssignmentReachesTheRunningPhonesAndOnlyADownloadCountsAsResynced(@TempDir Path dir)
            throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(deploy.resolve("pnp.sip.cfg"), "address=127.0.0.1\nport=5060\nmulticast=false\n");
        Files.writeString(deploy.resolve("pnp.core.cfg"), "resyncDelaySeconds=1\nresyncWaitSeconds=30\n");
        String[] macs = { ACCEPTS, CHALLENGES, IGNORES };
        for (int i = 0; i < macs.length; i++) {
            assign(deploy, macs[i], 4000 + i, "Phone " + i);
        }
        String edit = "";
        // the accepting phone gets a new extension; the others a new name (a new extension would also change the
        // digest credentials the challenging phone checks, and it knows only its old ones)
        edit += editCommand(ACCEPTS, 5000, "Phone 0");
        edit += editCommand(CHALLENGES, 4001, "Phone 1 renamed");
        edit += editCommand(IGNORES, 4002, "Phone 2 renamed");
        String journal = "home/data/phones/phones.journal";
        String out = Namespace.run(dir, PhonesConsoleTest.start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + "timeout 300 java -jar " + SIMULATOR + " --target 127.0.0.1:5060 --phones 3 --concurrency 3"
                + " --mac-start 000B82400000 --source-from 127.1.0.1 --downloads 1 --timeout 290 --resident 280"
                + " --resync accept,challenge,ignore --out results.csv > sim.txt 2>&1 &\n"
                + "sim=$!\n"
                + "for i in $(seq 1 600); do [ $(phones_in " + journal + " DOWNLOADED) -ge 3 ] && break; sleep 0.1; done\n"
                + "echo \"running with their files: $(phones_in " + journal + " DOWNLOADED)\"\n"
                + edit
                + "for i in $(seq 1 1200); do a=$(phone_state " + journal + " " + ACCEPTS + "); c=$(phone_state "
                + journal + " " + CHALLENGES + "); g=$(phone_state " + journal + " " + IGNORES + ");"
                + " [ \"$a\" = RESYNCED ] && [ \"$c\" = RESYNCED ] && [ \"$g\" = RESYNC_FAILED ] && break; sleep 0.1; done\n"
                + "echo \"states: $a $c $g\"\n"
                + "kill $sim 2>/dev/null; wait $sim 2>/dev/null\n", 420);
        System.out.print(out);
        String context = out + Namespace.files(dir, "sim.txt") + Namespace.serverLog(dir);
        assertTrue(out.contains("running with their files: 3"), "the three phones were provisioned:\n" + context);
        assertTrue(out.contains("states: RESYNCED RESYNCED RESYNC_FAILED"), context);
        Properties accepted = Namespace.phoneRecord(dir, ACCEPTS);
        assertEquals("true", accepted.getProperty("r.bytesChanged"), "it downloaded new bytes: " + accepted);
        assertTrue(accepted.getProperty("r.outcome", "").startsWith("ACCEPTED"), accepted.toString());
        assertTrue(Namespace.phoneRecord(dir, CHALLENGES).getProperty("r.outcome", "").startsWith("ACCEPTED"),
                "the challenge was answered with digest: " + Namespace.phoneRecord(dir, CHALLENGES));
        Properties ignored = Namespace.phoneRecord(dir, IGNORES);
        assertTrue(ignored.getProperty("reason", "").startsWith("no answer"), ignored.toString());
    }

    private static void assign(Path deploy, String mac, int extension, String name) throws Exception {
        Files.writeString(deploy.resolve("pnp.phone-" + mac + ".cfg"), assignment(mac, extension, name));
    }

    private static String assignment(String mac, int extension, String name) {
        return "mac=" + mac + "\nextension=" + extension + "\npassword=resync-secret-" + mac + "\ndisplayName="
                + name + "\n";
    }

    /** Rewrites the assignment in deploy/ as an administrator would; FileInstall applies it. */
    private static String editCommand(String mac, int extension, String name) {
        return "printf '" + assignment(mac, extension, name).replace("\n", "\\n") + "' > home/deploy/pnp.phone-"
                + mac + ".cfg\n";
    }
}
