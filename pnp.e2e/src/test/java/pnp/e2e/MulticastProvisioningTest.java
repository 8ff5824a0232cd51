package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * The whole product, as an administrator runs it: {@code java -jar pnp-server.jar} in an empty home
 * with a pre-assignment dropped into {@code deploy/}; sipp plays phones over real multicast; curl
 * downloads what the NOTIFY points at, twice, as a phone does before and after its reboot.
 */
class MulticastProvisioningTest {

    static final String JAR = System.getProperty("pnp.jar");
    static final String SIPP = System.getProperty("pnp.sipp");

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "sipp", "curl", "timeout");
    }

    /** Starts the server in the namespace and waits (bounded) until it listens on the group. */
    static String startServer() {
        return "cd home\n"
                + "java -jar " + JAR + " </dev/null >server.log 2>&1 &\n"
                + "server=$!\n"
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + "for i in $(seq 1 300); do grep -q 'Vendor profile Grandstream arrived' server.log && "
                + "grep -q 'Listening for PnP SUBSCRIBEs' server.log && break; sleep 0.1; done\n"
                + "cd ..\n";
    }

    static String sipp(String scenario, String csv, String log) {
        return "timeout 40 sipp 224.0.1.75:5060 -sf " + SIPP + "/" + scenario + " -inf " + csv
                + " -i 127.0.0.1 -p 5070 -m 1 -nostdin -recv_timeout 15000 -trace_logs -log_file " + log
                + " -trace_err -error_file " + log + ".err >/dev/null 2>&1; echo \"sipp " + log + " exit $?\"\n";
    }

    @Test
    void grandstreamIsProvisionedFromMulticastSubscribeToSecondDownload(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(dir.resolve("home/deploy/pnp.phone-alice.cfg"),
                "mac=000B82273B89\nextension=201\npassword=Alice-s3cret\ndisplayName=Alice\n");
        Files.writeString(dir.resolve("gxp.csv"), "SEQUENTIAL\n000B82273B89;Grandstream;GXP2140;1.0.11.16;\n");
        String out = Namespace.run(dir, startServer()
                + sipp("pnp-phone.xml", "gxp.csv", "gxp.log")
                + "url=$(grep -o 'url http[^ ]*' gxp.log | head -1 | cut -c5-)\n"
                + "echo \"url $url\"\n"
                + "curl -s -f -o first.cfg -A 'Grandstream Model HW GXP2140 SW 1.0.11.16 DevId 000b82273b89' \"$url\"; echo \"curl1 $?\"\n"
                + "curl -s -f -o second.cfg \"$url\"; echo \"curl2 $?\"\n"
                + "guess=$(echo \"$url\" | sed 's#/provisioning/[^/]*/#/provisioning/AAAAAAAAAAAAAAAAAAAAAA/#')\n"
                + "echo \"guess $(curl -s -o /dev/null -w '%{http_code}' \"$guess\")\"\n"
                // the download is reported after the response: wait (bounded) until it is recorded, not 1 s
                + "for i in $(seq 1 300); do [ \"$(phone_state home/data/phones/phones.journal 000b82273b89)\" = "
                + "PROVISIONED ] && break; sleep 0.1; done\n"
                // a restart (framework cache deleted too): the phone's URL, token and file must survive
                + "kill $server; wait $server; rm -rf home/felix-cache\n"
                + startServer()
                // the bootstrap is over (two downloads) and stays over: the URL alone is refused, the phone's
                // own credentials from its first file (P1360/P1361, digest by default) fetch it
                // (the legacy binary file holds its P-values as P1360=...&P1361=... text)
                + "user=$(tr '&' '\\n' < first.cfg | grep -a '^P1360=' | cut -d= -f2)\n"
                + "pass=$(tr '&' '\\n' < first.cfg | grep -a '^P1361=' | cut -d= -f2)\n"
                + "echo \"credentials ${#user} ${#pass}\"\n"
                + "rc=1; for i in $(seq 1 100); do curl -s -f --digest -u \"$user:$pass\" -o third.cfg \"$url\" && { rc=0; break; }; "
                + "sleep 0.1; done; echo \"curl3 $rc\"\n"
                + "echo \"noauth $(curl -s -o /dev/null -w '%{http_code}' \"$url\")\"\n"
                + "sleep 1\n", 150);
        assertTrue(out.contains("sipp gxp.log exit 0"), "sipp got 200 and the NOTIFY:\n" + out + Namespace.serverLog(dir));
        Matcher url = Pattern.compile("url (http://127\\.0\\.0\\.1:5481/provisioning/[A-Za-z0-9_-]{22}/cfg000b82273b89)")
                .matcher(out);
        assertTrue(url.find(), "NOTIFY URL with a secret token:\n" + out);
        assertTrue(out.contains("curl1 0") && out.contains("curl2 0"), out);
        assertTrue(out.contains("guess 401"), "a guessed token gets the one refusal:\n" + out);
        assertTrue(out.contains("noauth 401"), "after the bootstrap the URL alone is refused, also after a restart:\n" + out);
        byte[] first = Files.readAllBytes(dir.resolve("first.cfg"));
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("second.cfg")), "same file after the reboot");
        assertTrue(out.contains("curl3 0"), "the same URL with the phone's credentials still works after a restart:\n" + out);
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("third.cfg")), "same file after the server restarted");
        String body = new String(first, StandardCharsets.ISO_8859_1);
        assertTrue(body.contains("Alice-s3cret") && body.contains("201"), "the assignment is in the file");
        Properties phone = Namespace.phoneRecord(dir, "000b82273b89");
        assertEquals("PROVISIONED", phone.getProperty("state"), phone.toString());
        assertEquals("Grandstream", phone.getProperty("profile"));
    }

    @Test
    void everyVendorFormIsAnswered(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(dir.resolve("atcom.csv"), "SEQUENTIAL\n"
                + "MAC%3A808287057926;profile-type=device vendor=ATCOM model=ATCOM version=2.6;ATCOM A41 2.6.1;\n");
        Files.writeString(dir.resolve("yealink.csv"), "SEQUENTIAL\n"
                + "MAC001565f4f9e1;profile-type=\"device\" vendor=\"yealink\" model=\"T46S\" version=\"66.86\";Yealink SIP-T46S 66.86;\n");
        // sipp's injection files separate fields with ';', so these phones separate Event parameters with blanks
        String out = Namespace.run(dir, startServer()
                + sipp("pnp-subscribe-200.xml", "atcom.csv", "atcom.log")
                + sipp("pnp-subscribe-200.xml", "yealink.csv", "yealink.log")
                // the phones are recorded after their 200: wait (bounded) until both are, not 1 s
                + "for i in $(seq 1 300); do [ $(phones_in home/data/phones/phones.journal) -ge 2 ] && break; "
                + "sleep 0.1; done\n", 120);
        assertTrue(out.contains("sipp atcom.log exit 0"), out + Namespace.serverLog(dir));
        assertTrue(out.contains("sipp yealink.log exit 0"), out + Namespace.serverLog(dir));
        Properties atcom = Namespace.phoneRecord(dir, "808287057926");
        assertEquals("ATCOM", atcom.getProperty("profile"));
        assertEquals("A41", atcom.getProperty("s.model"));
        Properties yealink = Namespace.phoneRecord(dir, "001565f4f9e1");
        assertEquals("UNCLAIMED", yealink.getProperty("state"), "no Yealink bundle installed");
    }
}
