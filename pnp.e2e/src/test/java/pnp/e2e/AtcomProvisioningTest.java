package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * An ATCOM phone, pre-assigned by MAC, boots over real multicast in a loopback-only namespace: sipp sends
 * the SUBSCRIBE in ATCOM's form (MAC in the Request-URI, OUI 80:82:87, User-Agent naming the model),
 * gets 200 and the NOTIFY, and the phone's files are fetched the way the NOTIFY says, twice (before and
 * after the reboot): over TFTP with the real clients from the address that SUBSCRIBEd (tftp-hpa before
 * the reboot, atftp after), or over HTTP from the phone's private folder when the ATCOM profile is set to
 * {@code urlScheme=http}.
 */
class AtcomProvisioningTest {

    static final String JAR = System.getProperty("pnp.jar");
    static final String SIPP = System.getProperty("pnp.sipp");
    static final String MAC = "808287057926";
    static final String COMMON = "a000000000041.cfg";

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "sipp", "curl", "timeout", "tftp", "atftp");
    }

    /** Home with Carol's pre-assignment (and more deploy files), and the phone's injection file. */
    static void prepare(Path dir, String... deploy) throws Exception {
        Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(dir.resolve("home/deploy/pnp.phone-carol.cfg"),
                "mac=" + MAC + "\nextension=305\npassword=Carol-s3cret:x\ndisplayName=Carol Atcom\n");
        for (int i = 0; i + 1 < deploy.length; i += 2) {
            Files.writeString(dir.resolve("home/deploy/" + deploy[i]), deploy[i + 1]);
        }
        // ATCOM's form: MAC in the Request-URI, vendor and model ATCOM in the Event, the model in the User-Agent
        Files.writeString(dir.resolve("atcom.csv"),
                "SEQUENTIAL\nMAC%3A" + MAC + ";ATCOM;ATCOM;2.6;ATCOM A41 2.6.1;\n");
    }

    /**
     * Starts the server in {@code home} and waits (bounded) until the ATCOM profile is there, the group is
     * joined and the pre-assignment is recorded; then boots the phone: sipp in the background (it stays a
     * few seconds to answer NOTIFY retransmissions) and, as soon as its NOTIFY is logged, {@code $url}.
     */
    static String startServerAndBootPhone() {
        return "cd home\n"
                + "java -jar " + JAR + " </dev/null >server.log 2>&1 &\n"
                + "server=$!\n"
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + "for i in $(seq 1 300); do grep -q 'Vendor profile ATCOM arrived' server.log && "
                + "grep -q 'Listening for PnP SUBSCRIBEs' server.log && [ $(phones_in data/phones/phones.journal) -ge 1 ] "
                + "&& break; sleep 0.1; done\n"
                + "cd ..\n"
                + "timeout 60 sipp 224.0.1.75:5060 -sf " + SIPP + "/pnp-phone-lossy.xml -inf atcom.csv -i 127.0.0.1 "
                + "-p 5070 -m 1 -nostdin -default_behaviors all,-abortunexp -trace_logs -log_file atcom.log -trace_err -error_file atcom.err "
                + ">sipp.out 2>&1 &\n"
                + "phone=$!\n"
                + "url=\n"
                + "for i in $(seq 1 600); do url=$(grep -o 'url [a-z]*://[^ ]*' atcom.log 2>/dev/null | head -1 | cut -c5-); "
                + "[ -n \"$url\" ] && break; sleep 0.1; done\n"
                + "echo \"url $url\"\n";
    }

    /** Waits for sipp, then (bounded) until the record says PROVISIONED, then stops the server (it saves). */
    static String finish() {
        return "wait $phone; echo \"sipp exit $?\"\n"
                + "for i in $(seq 1 300); do [ \"$(phone_state home/data/phones/phones.journal " + MAC + ")\" = PROVISIONED ] "
                + "&& break; sleep 0.1; done\n"
                + "kill $server; wait $server\n";
    }

    @Test
    void atcomIsProvisionedOverTftpOnlyToTheAddressThatSubscribed(@TempDir Path dir) throws Exception {
        prepare(dir);
        String out = Namespace.run(dir, startServerAndBootPhone()
                + "host=${url#tftp://}\n"
                // the phone asks for its MAC file and its family's common file, from the address it SUBSCRIBEd from
                + "timeout 40 tftp -m binary \"$host\" -c get " + MAC + ".cfg first.cfg; echo \"tftp-hpa $?\"\n"
                + "timeout 40 tftp -m binary \"$host\" -c get " + COMMON + " common.cfg; echo \"tftp-hpa common $?\"\n"
                // another address on the LAN gets nothing of the phone's, but the common file
                + "curl -s --interface 127.0.0.2 -o stranger.cfg \"tftp://$host/" + MAC + ".cfg\"; "
                + "echo \"stranger $?\"\n"
                + "curl -s --interface 127.0.0.2 -o stranger-common.cfg \"tftp://$host/" + COMMON + "\"; "
                + "echo \"stranger common $?\"\n"
                // after its reboot, the same file again (the other client)
                + "timeout 40 atftp -g -r " + MAC + ".cfg -l second.cfg \"$host\"; echo \"atftp $?\"\n"
                + finish(), 120);
        assertTrue(out.contains("sipp exit 0"), "sipp got 200 and the NOTIFY:\n" + out + sippLogs(dir)
                + Namespace.serverLog(dir));
        assertTrue(out.contains("url tftp://127.0.0.1\n"), "ATCOM's NOTIFY body is tftp://host:\n" + out);
        assertTrue(out.contains("tftp-hpa 0") && out.contains("tftp-hpa common 0") && out.contains("atftp 0"), out);
        assertTrue(out.contains("stranger 68"), "TFTP 'file not found' (curl 68) for another address:\n" + out);
        assertTrue(out.contains("stranger common 0"), "common files carry no secret:\n" + out);

        byte[] first = Files.readAllBytes(dir.resolve("first.cfg"));
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("second.cfg")), "same file after the reboot");
        assertCarol(new String(first, StandardCharsets.UTF_8), "tftp://127.0.0.1");
        String common = Files.readString(dir.resolve("common.cfg"));
        assertTrue(common.startsWith("<<VOIP CONFIG FILE>>") && common.contains("Download Server IP :tftp://127.0.0.1"),
                common);
        assertFalse(common.contains("Carol") || common.contains("305"), "nothing of the phone in the common file");
        assertEquals(common, Files.readString(dir.resolve("stranger-common.cfg")));

        Properties phone = Namespace.phoneRecord(dir, MAC);
        assertEquals("PROVISIONED", phone.getProperty("state"), phone.toString());
        assertEquals("ATCOM", phone.getProperty("profile"));
        assertEquals("A41", phone.getProperty("s.model"), "model from the User-Agent");
        assertEquals("127.0.0.1", phone.getProperty("s.sourceAddress"));
        assertEquals("tftp", phone.getProperty("d.protocol"));
        assertEquals(MAC + ".cfg", phone.getProperty("d.file"));
        assertEquals("127.0.0.1", phone.getProperty("d.address"));
    }

    @Test
    void atcomInHttpModeGetsItsPrivateFolder(@TempDir Path dir) throws Exception {
        prepare(dir, "pnp.vendor.atcom.cfg", "urlScheme=http\n");
        String out = Namespace.run(dir, startServerAndBootPhone()
                + "curl -s -f -A 'ATCOM A41 2.6.1' -o first.cfg \"${url}" + MAC + ".cfg\"; echo \"curl1 $?\"\n"
                + "curl -s -f -A 'ATCOM A41 2.6.1' -o common.cfg \"${url}" + COMMON + "\"; echo \"curl common $?\"\n"
                + "curl -s -f -A 'ATCOM A41 2.6.1' -o second.cfg \"${url}" + MAC + ".cfg\"; echo \"curl2 $?\"\n"
                + "guess=$(echo \"$url\" | sed 's#/provisioning/[^/]*/#/provisioning/AAAAAAAAAAAAAAAAAAAAAA/#')\n"
                + "echo \"guess $(curl -s -o /dev/null -w '%{http_code}' \"${guess}" + MAC + ".cfg\")\"\n"
                + finish(), 120);
        assertTrue(out.contains("sipp exit 0"), "sipp got 200 and the NOTIFY:\n" + out + sippLogs(dir)
                + Namespace.serverLog(dir));
        // HTTP mode: the phone's own HTTP credentials travel in the URL (digest by default, pnp.core httpAuthentication)
        Matcher url = Pattern.compile("url (http://808287057926:[A-Za-z0-9_-]{16}@127\\.0\\.0\\.1:5481/provisioning/[A-Za-z0-9_-]{22}/)\n")
                .matcher(out);
        assertTrue(url.find(), "the phone's private folder, with its secret token:\n" + out);
        assertTrue(out.contains("curl1 0") && out.contains("curl common 0") && out.contains("curl2 0"), out);
        assertTrue(out.contains("guess 401"), "a guessed token gets the one refusal:\n" + out);
        byte[] first = Files.readAllBytes(dir.resolve("first.cfg"));
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("second.cfg")), "same file after the reboot");
        assertCarol(new String(first, StandardCharsets.UTF_8), url.group(1).replaceFirst("//[^@]*@", "//"));
        assertFalse(Files.readString(dir.resolve("common.cfg")).contains("provisioning/"),
                "the per-phone folder is not written into the common file");
        Properties phone = Namespace.phoneRecord(dir, MAC);
        assertEquals("PROVISIONED", phone.getProperty("state"), phone.toString());
        assertEquals("http", phone.getProperty("d.protocol"));
    }

    /** The MAC file carries the assignment and tells the phone where to come back to. */
    static void assertCarol(String body, String server) {
        assertTrue(body.startsWith("<<VOIP CONFIG FILE>>Version:2."), body);
        for (String line : new String[] {"SIP1 Phone Number :305", "SIP1 Display Name :Carol Atcom",
            "SIP1 Register User :305", "SIP1 Register Pswd :Carol-s3cret:x", "SIP1 Register Addr :127.0.0.1",
            "SIP1 Enable Reg :1", "Download Server IP :" + server}) {
            assertTrue(body.contains("\n" + line + "\n"), "'" + line + "' in\n" + body);
        }
        assertTrue(body.endsWith("<<END OF FILE>>\n"), body);
    }

    static String sippLogs(Path dir) {
        return Namespace.files(dir, "sipp.out", "atcom.log", "atcom.err");
    }
}
