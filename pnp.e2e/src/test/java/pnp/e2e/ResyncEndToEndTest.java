package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Day two, end to end, on one server: four pre-assigned Grandstream phones (the simulator, each from its own
 * address, unicast, staying up as resident phones) are provisioned; then their assignments are edited in
 * {@code deploy/}, and the server must tell each one through {@code pnp.sip}'s resync NOTIFY and verify it by
 * its download:
 * <ul>
 * <li>the phone that accepts gets a new extension: it downloads its file again and is RESYNCED with new bytes;
 * <li>the phone that challenges, as Grandstream phones do, gets a new extension and a new password: its 401 is
 * answered with the digest of the account in the file it runs with (the old one: the new one is what it is
 * told to fetch), it downloads again from the config server path written in its file, and the file it got
 * carries the new extension and password; phones.json says RESYNCED;
 * <li>the phone that ignores the NOTIFY ends RESYNC_FAILED, "no answer";
 * <li>the phone that answers 200 and never downloads ends RESYNC_FAILED, "NOTIFY accepted, no download
 * within 10 s".
 * </ul>
 * And a fifth phone, heard but not yet assigned, reboots while the PnP NOTIFY its assignment caused is being
 * retransmitted to its old port: its new SUBSCRIBE, from a new port, supersedes that NOTIFY and gets one at
 * once, well within the simulator's 20 s wait (the old one would be retransmitted for 32 s), and it ends
 * PROVISIONED.
 */
class ResyncEndToEndTest {

    static final String SIMULATOR = System.getProperty("pnp.simulator.jar");
    static final String ACCEPTS = "000b82400000";
    static final String CHALLENGES = "000b82400001";
    static final String IGNORES = "000b82400002";
    static final String ACCEPTS_ONLY = "000b82400003";
    static final String REBOOTS = "000b82400009";

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "curl", "timeout");
    }

    @Test
    void editedAssignmentsReachTheRunningPhonesAndOnlyADownloadCountsAsResynced(@TempDir Path dir) throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(deploy.resolve("pnp.sip.cfg"), "address=127.0.0.1\nport=5060\nmulticast=false\n");
        Files.writeString(deploy.resolve("pnp.core.cfg"), "resyncDelaySeconds=1\nresyncWaitSeconds=10\n");
        String[] macs = { ACCEPTS, CHALLENGES, IGNORES, ACCEPTS_ONLY };
        for (int i = 0; i < macs.length; i++) {
            assign(deploy, macs[i], 4000 + i, "Phone " + i, "resync-secret-" + macs[i]);
        }
        String edit = "";
        edit += editCommand(ACCEPTS, 5000, "Phone 0", "resync-secret-" + ACCEPTS);
        edit += editCommand(CHALLENGES, 5001, "Phone 1", "new-secret-" + CHALLENGES);
        edit += editCommand(IGNORES, 4002, "Phone 2 renamed", "resync-secret-" + IGNORES);
        edit += editCommand(ACCEPTS_ONLY, 4003, "Phone 3 renamed", "resync-secret-" + ACCEPTS_ONLY);
        String journal = "home/data/phones/phones.journal";
        String states = "a=$(phone_state " + journal + " " + ACCEPTS + "); c=$(phone_state " + journal + " " + CHALLENGES
                + "); g=$(phone_state " + journal + " " + IGNORES + "); o=$(phone_state " + journal + " " + ACCEPTS_ONLY
                + ");";
        String out = Namespace.run(dir, PhonesConsoleTest.start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + PhonesConsoleTest.PASSWORD
                + "timeout 300 java -jar " + SIMULATOR + " --target 127.0.0.1:5060 --phones 4 --concurrency 4"
                + " --mac-start 000B82400000 --source-from 127.1.0.1 --downloads 1 --timeout 290 --resident 280"
                + " --resync accept,challenge,ignore,accept-only --save-files files --out results.csv > sim.txt 2>&1 &\n"
                + "sim=$!\n"
                + "for i in $(seq 1 600); do [ $(phones_in " + journal + " DOWNLOADED) -ge 4 ] && break; sleep 0.1; done\n"
                + "echo \"running with their files: $(phones_in " + journal + " DOWNLOADED)\"\n"
                + edit
                // meanwhile, the phone that reboots: heard unassigned, gone at once (its SIP socket closed) ...
                + "timeout 60 java -jar " + SIMULATOR + " --target 127.0.0.1:5060 --phones 1 --mac-start "
                + REBOOTS.toUpperCase() + " --source-from 127.1.0.20 --downloads 1 --notify-timeout 2 --linger 0"
                + " --timeout 20 --out before-reboot.csv > before-reboot.txt 2>&1\n"
                + "echo \"heard: $(phone_state " + journal + " " + REBOOTS + ")\"\n"
                // ... assigned: the server NOTIFYs its old port, where nobody listens ...
                + "printf '" + assignment(REBOOTS, 4009, "Phone 9", "reboot-secret").replace("\n", "\\n")
                + "' > home/deploy/pnp.phone-" + REBOOTS + ".cfg\n"
                + "for i in $(seq 1 300); do grep -q 'NOTIFY sent to phone " + REBOOTS + "' home/server.log && break;"
                + " sleep 0.1; done\n"
                + "grep 'NOTIFY sent to phone " + REBOOTS + "' home/server.log | head -1\n"
                // ... and it boots again, from a new port, waiting 20 s for its NOTIFY
                + "timeout 60 java -jar " + SIMULATOR + " --target 127.0.0.1:5060 --phones 1 --mac-start "
                + REBOOTS.toUpperCase() + " --source-from 127.1.0.20 --downloads 2 --notify-timeout 20"
                + " --timeout 40 --out after-reboot.csv > after-reboot.txt 2>&1\n"
                + "for i in $(seq 1 50); do [ \"$(phone_state " + journal + " " + REBOOTS + ")\" = PROVISIONED ] && break;"
                + " sleep 0.1; done\n" // the journal is written once a second
                + "echo \"after the reboot: $(phone_state " + journal + " " + REBOOTS + ")\"\n"
                + "for i in $(seq 1 1200); do " + states
                + " case \"$a $c $g $o\" in *RESYNCING*|*PROVISIONED*|*DOWNLOADED*) ;; *) break ;; esac; sleep 0.1; done\n"
                + "echo \"states: $a $c $g $o\"\n"
                + "curl -s -u admin:$pw " + PhonesConsoleTest.CONSOLE + "/phones.json > phones.json\n"
                + "kill $sim 2>/dev/null; wait $sim 2>/dev/null\n", 420);
        System.out.print(out);
        String context = out + Namespace.files(dir, "sim.txt", "before-reboot.txt", "after-reboot.txt",
                "after-reboot.csv") + Namespace.serverLog(dir);
        assertTrue(out.contains("running with their files: 4"), "the four phones were provisioned:\n" + context);
        assertTrue(out.contains("states: RESYNCED RESYNCED RESYNC_FAILED RESYNC_FAILED"), context);

        Properties accepted = Namespace.phoneRecord(dir, ACCEPTS);
        assertEquals("true", accepted.getProperty("r.bytesChanged"), "it downloaded new bytes: " + accepted);
        assertTrue(accepted.getProperty("r.outcome", "").startsWith("ACCEPTED"), accepted.toString());

        Properties challenged = Namespace.phoneRecord(dir, CHALLENGES);
        assertTrue(challenged.getProperty("r.outcome", "").startsWith("ACCEPTED"),
                "the challenge was answered with the digest of the account in the phone's file: " + challenged);
        assertEquals("true", challenged.getProperty("r.bytesChanged"), challenged.toString());
        String got = resyncDownload(dir, CHALLENGES);
        assertEquals("5001", pValue(got, "P35"), "the file it fetched carries the new extension (SIP user id):\n" + got);
        assertEquals("new-secret-" + CHALLENGES, pValue(got, "P34"), "and the new password");
        assertEquals("4001", pValue(Files.readString(firstDownload(dir, CHALLENGES), StandardCharsets.ISO_8859_1), "P35"),
                "its first file had the old one");
        String json = Files.readString(dir.resolve("phones.json"));
        Map<String, String> shown = new HashMap<>();
        Matcher row = PhonesConsoleTest.ROW.matcher(json);
        while (row.find()) {
            shown.put(row.group(1).replace(":", ""), row.group(2));
        }
        assertEquals("RESYNCED", shown.get(CHALLENGES), "phones.json: " + json);
        assertEquals("RESYNCED", shown.get(ACCEPTS), "phones.json: " + json);
        assertFalse(json.contains("new-secret") || json.contains("resync-secret"), "no SIP password in phones.json");
        assertFalse(Namespace.serverLog(dir).contains("new-secret") || Namespace.serverLog(dir).contains("resync-secret"),
                "nor in the log");

        Properties ignored = Namespace.phoneRecord(dir, IGNORES);
        assertTrue(ignored.getProperty("reason", "").startsWith("no answer"), ignored.toString());
        Properties acceptsOnly = Namespace.phoneRecord(dir, ACCEPTS_ONLY);
        assertEquals("NOTIFY accepted, no download within 10 s", acceptsOnly.getProperty("reason"), acceptsOnly.toString());
        assertEquals("RESYNC_FAILED", shown.get(ACCEPTS_ONLY), "phones.json: " + json);

        assertTrue(out.contains("heard: CLAIMED"), "the fifth phone was heard unassigned: " + context);
        assertTrue(out.contains("NOTIFY sent to phone " + REBOOTS), "its NOTIFY went to its old port: " + context);
        assertTrue(Namespace.serverLog(dir).contains("superseded: the phone subscribed again from"),
                "the pending NOTIFY was superseded by the SUBSCRIBE from the new port: " + context);
        List<String> rebooted = Files.readAllLines(dir.resolve("after-reboot.csv"));
        assertEquals(2, rebooted.size(), context);
        String outcome = rebooted.get(1).split(",", -1)[List.of(rebooted.get(0).split(",")).indexOf("outcome")];
        assertEquals("ok", outcome, "notified at its new port and downloaded: " + context);
        assertTrue(out.contains("after the reboot: PROVISIONED"), context);
    }

    /** The file the simulator phone fetched after the resync (pnp-phones --save-files). */
    private static String resyncDownload(Path dir, String mac) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("files").resolve(mac.toUpperCase()).resolve("resync"))) {
            List<Path> list = files.toList();
            assertEquals(1, list.size(), list.toString());
            return Files.readString(list.get(0), StandardCharsets.ISO_8859_1);
        }
    }

    /** A Grandstream P value from a binary ({@code &P35=5001&}) or XML ({@code <P35>5001</P35>}) file. */
    private static String pValue(String file, String p) {
        Matcher m = Pattern.compile("(?:^|[&\\x00])" + p + "=([^&\\x00]*)|<" + p + ">([^<]*)</" + p + ">").matcher(file);
        assertTrue(m.find(), p + " in " + file);
        return URLDecoder.decode(m.group(1) != null ? m.group(1) : m.group(2), StandardCharsets.UTF_8);
    }

    private static Path firstDownload(Path dir, String mac) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("files").resolve(mac.toUpperCase()))) {
            return files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
    }

    private static void assign(Path deploy, String mac, int extension, String name, String password) throws Exception {
        Files.writeString(deploy.resolve("pnp.phone-" + mac + ".cfg"), assignment(mac, extension, name, password));
    }

    private static String assignment(String mac, int extension, String name, String password) {
        return "mac=" + mac + "\nextension=" + extension + "\npassword=" + password + "\ndisplayName=" + name + "\n";
    }

    /** Rewrites the assignment in deploy/ as an administrator would; FileInstall applies it. */
    private static String editCommand(String mac, int extension, String name, String password) {
        return "printf '" + assignment(mac, extension, name, password).replace("\n", "\\n") + "' > home/deploy/pnp.phone-"
                + mac + ".cfg\n";
    }
}
