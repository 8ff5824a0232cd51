package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product promise: drop a vendor jar into the running server and that vendor's phones become
 * provisionable without a restart; remove it and they stop being served. The server runs without
 * the Yealink bundle; a pre-assigned Yealink phone (sipp) SUBSCRIBEs over multicast, gets its 200 and
 * is recorded unclaimed; while it waits for the NOTIFY, {@code pnp.vendor.yealink}'s jar is renamed
 * into {@code deploy/}; the phone gets the NOTIFY and curl downloads its file with the assignment in
 * it; then the jar is deleted, the URL is refused (401, pnp.http's one refusal) and the phone is unclaimed again.
 *
 * <p>The jar is copied beside {@code deploy/} and renamed in, so FileInstall's scan (every second)
 * never sees half a jar. Every wait is a bounded poll.
 */
class HotDeployTest {

    static final String JAR = System.getProperty("pnp.jar");
    static final String SIPP = System.getProperty("pnp.sipp");
    static final String YEALINK = System.getProperty("pnp.yealink.jar");
    static final String MAC = "001565f4f9e1";
    static final String JOURNAL = "home/data/phones/phones.journal";

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "sipp", "curl", "timeout");
        assertTrue(Files.isRegularFile(Path.of(YEALINK)), "build pnp.vendor.yealink first: " + YEALINK);
    }

    /** Polls (every 0.1 s, at most {@code tries} times) until the phone's record has the state. */
    private static String waitForState(String state, int tries) {
        return "for i in $(seq 1 " + tries + "); do [ \"$(phone_state " + JOURNAL + " " + MAC + ")\" = " + state
                + " ] && break; sleep 0.1; done\n";
    }

    @Test
    void yealinkBundleDroppedIntoDeployProvisionsAWaitingPhoneAndItsRemovalStopsServingIt(@TempDir Path dir)
            throws Exception {
        Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(dir.resolve("home/deploy/pnp.phone-yealink.cfg"),
                "mac=00:15:65:F4:F9:E1\nextension=301\npassword=Yea-s3cret=#1\ndisplayName=Yvonne\n");
        Files.writeString(dir.resolve("yealink.csv"), "SEQUENTIAL\n" + MAC + ";T46S;66.86.0.15;\n");
        String out = Namespace.run(dir, MulticastProvisioningTest.startServer()
                + "grep -q 'Yealink' home/server.log && echo 'Yealink before the drop'\n"
                + "timeout 80 sipp 224.0.1.75:5060 -sf " + SIPP + "/pnp-phone-yealink.xml -inf yealink.csv -i 127.0.0.1 "
                + "-p 5070 -m 1 -nostdin -recv_timeout 70000 -trace_logs -log_file sipp.log -trace_err "
                + "-error_file sipp.err >/dev/null 2>&1 &\n"
                + "sipp=$!\n"
                + waitForState("UNCLAIMED", 300)
                + "echo \"before drop: state=$(phone_state " + JOURNAL + " " + MAC + ")\"\n"
                + "cp " + YEALINK + " home/yealink.jar.tmp && mv home/yealink.jar.tmp home/deploy/pnp.vendor.yealink.jar\n"
                + "dropped=$(date +%s%N)\n"
                + "wait $sipp; echo \"sipp exit $? after $(( ($(date +%s%N) - dropped) / 1000000 )) ms\"\n"
                + "url=$(grep -o 'url http[^ ]*' sipp.log | head -1 | cut -c5-)\n"
                + "echo \"url $url\"\n"
                + "echo \"download $(curl -s -o yealink.cfg -w '%{http_code}' -A 'Yealink SIP-T46S 66.86.0.15 "
                + "00:15:65:f4:f9:e1' \"$url\")\"\n"
                + waitForState("DOWNLOADED", 300)
                + "echo \"after download: state=$(phone_state " + JOURNAL + " " + MAC + ")\"\n"
                + "rm home/deploy/pnp.vendor.yealink.jar\n"
                + "removed=$(date +%s%N)\n"
                // FileInstall polls every second: 5 s, although this is within the inventory's start-up
                // grace (10 s, while profiles may still arrive), which must not hold a profile that left
                + "for i in $(seq 1 300); do code=$(curl -s -o /dev/null -w '%{http_code}' \"$url\"); "
                + "[ \"$code\" = 401 ] && break; sleep 0.1; done\n"
                + "echo \"after removal $code in $(( ($(date +%s%N) - removed) / 1000000 )) ms\"\n"
                + waitForState("UNCLAIMED", 300)
                + "echo \"after removal: state=$(phone_state " + JOURNAL + " " + MAC + ")\"\n", 150);
        System.out.print(out);
        String context = out + Namespace.serverLog(dir);
        assertTrue(!out.contains("Yealink before the drop"), "the distribution has no Yealink profile:\n" + context);
        assertTrue(out.contains("before drop: state=UNCLAIMED"), "heard, pre-assigned, no profile:\n" + context);
        assertTrue(out.contains("sipp exit 0"), "200, then the NOTIFY after the drop:\n" + context);
        Matcher url = Pattern.compile("url (http://127\\.0\\.0\\.1:5481/provisioning/[A-Za-z0-9_-]{22}/" + MAC + "\\.cfg)")
                .matcher(out);
        assertTrue(url.find(), "NOTIFY URL of the phone's file:\n" + context);
        assertTrue(out.contains("download 200"), context);
        String file = Files.readString(dir.resolve("yealink.cfg"), StandardCharsets.UTF_8);
        assertTrue(file.startsWith("#!version:1.0.0.1\n"), file);
        for (String line : new String[] {"account.1.enable = 1", "account.1.label = Yvonne",
                "account.1.display_name = Yvonne", "account.1.auth_name = 301", "account.1.user_name = 301",
                "account.1.password = Yea-s3cret=#1", "account.1.sip_server.1.address = 127.0.0.1",
                "account.1.sip_server.1.port = 5060",
                "static.auto_provision.server.url = " + url.group(1).substring(0, url.group(1).lastIndexOf('/') + 1)}) {
            assertTrue(file.contains("\n" + line + "\n"), line + " in\n" + file);
        }
        assertTrue(out.contains("after download: state=DOWNLOADED"), context);
        assertTrue(out.contains("after removal 401"), "the file is no longer served:\n" + context);
        assertTrue(out.contains("after removal: state=UNCLAIMED"), context);
        String log = Namespace.serverLog(dir);
        assertTrue(log.contains("Vendor profile Yealink arrived"), log);
        assertTrue(log.contains("Vendor profile Yealink left"), log);
        Properties record = Namespace.phoneRecord(dir, MAC);
        assertEquals("", record.getProperty("profile"), record.toString());
        assertTrue(record.getProperty("claimReason", "").contains("no vendor bundle"), record.toString());
    }
}
