package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * Only the phone gets its SIP password, for its whole life (issue 14), as an attacker on the LAN would try
 * it: the server jar in a loopback-only namespace, sipp as the phones and as a device at another address
 * (127.0.0.2) that names a provisioned phone's MAC, curl for HTTP and TFTP, the Phones console's
 * {@code phones.json} and its Approve action.
 *
 * <p>Alice's phone is provisioned and reboots (two downloads). The device at 127.0.0.2 then asks for her
 * phone: no NOTIFY, her URL refuses it, nothing moves, her phone keeps working with its own credentials,
 * and the console shows the request with the asker's address, across a restart and a kill -9. Approved,
 * the asker gets a NOTIFY with a new URL and its files (TFTP, then HTTP, at its address only), and the old
 * URL and credentials are refused, across a kill -9 right after the downloads and a restart.
 *
 * <p>Bob's phone downloads once at the start and lets its one-shot bootstrap run out
 * ({@code bootstrapWindowMinutes=1}, the shortest; the rest of the story runs meanwhile): then its URL
 * alone is refused and works with the credentials from its file, with digest (the default) and, once
 * {@code deploy/pnp.core.cfg} says {@code httpAuthentication=basic}, with basic.
 */
class CredentialsEndToEndTest {

    static final String SIPP = System.getProperty("pnp.sipp");
    static final String CONSOLE = PhonesConsoleTest.CONSOLE;
    static final String ALICE = "000b82273b89";
    static final String BOB = "000b82273b8a";
    static final String JOURNAL = "home/data/phones/phones.journal";
    static final String USER_AGENT = "Grandstream Model HW GXP2140 SW 1.0.11.16 DevId ";
    static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:5481/provisioning/([A-Za-z0-9_-]{22})/cfg"
            + ALICE);

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "sipp", "curl", "timeout");
    }

    /** Shell functions of this scenario. */
    static final String FUNCTIONS = """
            # the HTTP status of a request (curl's options and URL as arguments); 000 when there was no answer
            status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
            # a P-value of a Grandstream file (the legacy binary holds them as P1360=...&P1361=... text)
            pvalue() { tr '&' '\\n' < "$1" | grep -a "^$2=" | cut -d= -f2; }
            # curl's exit code of a TFTP download of Alice's file from an address ("68": TFTP File not found)
            tftp_from() { curl -s --interface "$1" -o "$2" tftp://127.0.0.1/cfg@MAC@; echo $?; }
            phones_json() { curl -s -u admin:$pw @CONSOLE@/phones.json; }
            # Alice's pending request to be provisioned again, as phones.json shows it (empty: none)
            reask() { phones_json | grep -o '"reask":{[^}]*}'; }
            journal_of() { grep "^mac=$1$(printf '\\t')" @JOURNAL@ | tail -1 | tr '\\t' '\\n' | sed -n "s/^$2=//p"; }
            """.replace("@MAC@", ALICE).replace("@CONSOLE@", CONSOLE).replace("@JOURNAL@", JOURNAL);

    /** A phone boots: sipp sends its SUBSCRIBE (multicast, from {@code address}) and waits for the NOTIFY. */
    static String sipp(String scenario, String csv, String address, int port, String log) {
        return "timeout 90 sipp 224.0.1.75:5060 -sf " + scenario + " -inf " + csv + " -i " + address + " -p " + port
                + " -m 1 -nostdin -recv_timeout 80000 -trace_logs -log_file " + log + " -trace_err -error_file "
                + log + ".err >/dev/null 2>&1";
    }

    /** The URL of the NOTIFY a sipp phone logged, or empty. */
    static String urlOf(String log) {
        return "$(grep -o 'url http[^ ]*' " + log + " 2>/dev/null | head -1 | cut -c5-)";
    }

    /** Starts the server again on the same home after it was stopped or killed (bounded wait for ready). */
    static String restart(String how) {
        return "echo '--- " + how + " ---' >> home/server.log\n"
                + PhonesConsoleTest.start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n";
    }

    /**
     * Until (bounded) a download with the right credentials works: after a start the files are served once the
     * vendor bundle and the assignments are back; a phone retries. Prints "label: what 0" when it worked.
     */
    static String retried(String label, String what, String curlOptions, String url, String saveAs) {
        return "rc=1; for i in $(seq 1 40); do curl -s -f " + curlOptions + " -o " + saveAs + " \"" + url
                + "\" && { rc=0; break; }; sleep 0.5; done; echo \"" + label + ": " + what + " $rc\"\n";
    }

    /**
     * What Alice's phone and the asker get while the request waits for approval, printed as "label: what status";
     * first the phone's own download, so that a refusal afterwards is not just a server still starting.
     */
    static String whileAsking(String label) {
        return retried(label, "alice digest", "--digest -u \"$user:$pass\"", "$url", label + ".cfg")
                + "echo \"" + label + ": alice url alone $(status \"$url\")\"\n"
                + "echo \"" + label + ": asker url $(status --interface 127.0.0.2 \"$url\")\"\n"
                + "echo \"" + label + ": reask $(reask)\"\n";
    }

    /**
     * What the old and new secrets get after the approval, printed as "label: what status": first the new
     * phone's download; then whoever kept the old URL and credentials (a copied file; from 127.0.0.3, so that
     * its wrong guesses do not count against the phones' addresses).
     */
    static String afterApproval(String label) {
        String old = "--interface 127.0.0.3 ";
        return retried(label, "new url new digest", "--interface 127.0.0.2 --digest -u \"$user2:$pass2\"", "$url2",
                label + ".cfg")
                + "echo \"" + label + ": old url alone $(status " + old + "\"$url\")\"\n"
                + "echo \"" + label + ": old url old digest $(status " + old + "--digest -u \"$user:$pass\" \"$url\")\"\n"
                + "echo \"" + label + ": old url new digest $(status " + old + "--digest -u \"$user2:$pass2\" \"$url\")\"\n"
                + "echo \"" + label + ": new url old digest $(status " + old + "--digest -u \"$user:$pass\" \"$url2\")\"\n"
                + "echo \"" + label + ": new url alone $(status --interface 127.0.0.2 \"$url2\")\"\n"
                + "echo \"" + label + ": tftp asker $(tftp_from 127.0.0.2 /dev/null)\"\n"
                + "echo \"" + label + ": reask [$(reask)]\"\n";
    }

    @Test
    void onlyThePhoneGetsItsFilesAfterItsBootstrapAndAnApprovedAskerReplacesItsSecrets(@TempDir Path dir)
            throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("home/deploy"));
        Files.writeString(deploy.resolve("pnp.core.cfg"), "bootstrapWindowMinutes=1\n");
        Files.writeString(deploy.resolve("pnp.phone-alice.cfg"),
                "mac=" + ALICE + "\nextension=201\npassword=Alice-s3cret\ndisplayName=Alice\n");
        Files.writeString(deploy.resolve("pnp.phone-bob.cfg"),
                "mac=" + BOB + "\nextension=202\npassword=Bob-s3cret\ndisplayName=Bob\n");
        Files.writeString(dir.resolve("alice.csv"), "SEQUENTIAL\n" + ALICE.toUpperCase() + ";Grandstream;GXP2140;1.0.11.16;\n");
        Files.writeString(dir.resolve("bob.csv"), "SEQUENTIAL\n" + BOB.toUpperCase() + ";Grandstream;GXP2140;1.0.11.16;\n");
        // the asker: a device of the same model naming Alice's MAC; it waits a few seconds for a NOTIFY that
        // must not come, then (after the restarts) asks again and waits while the administrator approves
        String phone = Files.readString(Path.of(SIPP, "pnp-phone.xml"));
        assertTrue(phone.contains("timeout=\"10000\""), "pnp-phone.xml changed shape");
        Files.writeString(dir.resolve("asker-brief.xml"), phone.replace("timeout=\"10000\"", "timeout=\"4000\""));
        Files.writeString(dir.resolve("asker-waits.xml"), phone.replace("timeout=\"10000\"", "timeout=\"60000\""));

        long started = System.nanoTime();
        String out = Namespace.run(dir, FUNCTIONS
                + PhonesConsoleTest.start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + PhonesConsoleTest.PASSWORD
                // Bob's phone downloads once: its window (a minute) runs from here while the rest goes on
                + sipp(SIPP + "/pnp-phone.xml", "bob.csv", "127.0.0.1", 5072, "bob.log") + "; echo \"bob sipp $?\"\n"
                + "urlB=" + urlOf("bob.log") + "\n"
                + "curl -s -f -A '" + USER_AGENT + BOB + "' -o bob.cfg \"$urlB\"; echo \"bob download $?\"\n"
                + "bobAt=$(date +%s)\n"
                + "echo \"bob head during the window $(status -I \"$urlB\")\"\n"
                // Alice's phone is provisioned and reboots: two downloads close its bootstrap
                + sipp(SIPP + "/pnp-phone.xml", "alice.csv", "127.0.0.1", 5070, "alice.log") + "; echo \"alice sipp $?\"\n"
                + "url=" + urlOf("alice.log") + "\n"
                + "echo \"url $url\"\n"
                + "curl -s -f -A '" + USER_AGENT + ALICE + "' -o alice1.cfg \"$url\"; echo \"alice download 1 $?\"\n"
                + "curl -s -f -A '" + USER_AGENT + ALICE + "' -o alice2.cfg \"$url\"; echo \"alice download 2 $?\"\n"
                + "user=$(pvalue alice1.cfg P1360); pass=$(pvalue alice1.cfg P1361)\n"
                + "echo \"alice credentials ${#user} ${#pass}\"\n"
                + "echo \"alice tftp after bootstrap $(tftp_from 127.0.0.1 /dev/null)\"\n"
                // another device names Alice's MAC: answered 200 (pnp.sip cannot tell), but no NOTIFY
                + sipp("asker-brief.xml", "alice.csv", "127.0.0.2", 5070, "asker1.log") + "; echo \"asker1 sipp $?\"\n"
                + "for i in $(seq 1 100); do reask | grep -q 127.0.0.2 && break; sleep 0.1; done\n"
                + "echo \"asker1 url [" + urlOf("asker1.log") + "]\"\n"
                + "echo \"asker tftp $(tftp_from 127.0.0.2 /dev/null)\"\n"
                + "echo \"alice bound to $(journal_of " + ALICE + " s.sourceAddress)\"\n"
                + "phones_json > asking.json\n"
                + whileAsking("asking")
                + "kill $server; wait $server\n"
                + restart("restarted")
                + whileAsking("restarted")
                // a kill -9 keeps what the journal holds (flushed each second): wait (bounded) for the request
                + "for i in $(seq 1 100); do [ \"$(journal_of " + ALICE + " ask.sourceAddress)\" = 127.0.0.2 ] && break; "
                + "sleep 0.1; done\n"
                + "kill -9 $server; wait $server 2>/dev/null\n"
                + restart("restarted after kill -9")
                + whileAsking("killed")
                // the device asks again (phones retry) and waits; the administrator approves on the Phones page
                + "asked=$(reask | grep -o '\"time\":\"[^\"]*\"')\n"
                + sipp("asker-waits.xml", "alice.csv", "127.0.0.2", 5070, "asker2.log") + " &\n"
                + "asker=$!\n"
                + "for i in $(seq 1 100); do a=$(reask | grep -o '\"time\":\"[^\"]*\"'); [ -n \"$a\" ] && "
                + "[ \"$a\" != \"$asked\" ] && break; sleep 0.1; done\n"
                + "echo \"asked again ${a:-no}\"\n"
                + "token=$(curl -s -u admin:$pw " + CONSOLE + "/phones | sed -n 's/.*data-token=\"\\([^\"]*\\)\".*/\\1/p' "
                + "| head -1 | sed 's/&amp;/\\&/g')\n"
                + "echo \"approve $(curl -s -o approve.json -w '%{http_code}' -u admin:$pw -H \"X-PnP-Token: $token\" "
                + "-d action=approve -d mac=" + ALICE + " " + CONSOLE + "/phones)\"\n"
                + "wait $asker; echo \"asker2 sipp $?\"\n"
                + "url2=" + urlOf("asker2.log") + "\n"
                + "echo \"url2 $url2\"\n"
                // the new bootstrap is the asker's only: first its file over TFTP, then (after its reboot) over HTTP
                + "echo \"alice's address new url $(status \"$url2\")\"\n"
                + "echo \"asker download 1 tftp $(tftp_from 127.0.0.2 asker1.cfg)\"\n"
                + "curl -s -f --interface 127.0.0.2 -A '" + USER_AGENT + ALICE + "' -o asker2.cfg \"$url2\"; "
                + "echo \"asker download 2 $?\"\n"
                // a download is recorded right after it was served, and the one that closes the bootstrap is written
                // at once (not with the next flush): wait (bounded) for that, then kill -9
                + "for i in $(seq 1 50); do [ \"$(journal_of " + ALICE + " bootstrap)\" = CLOSED ] && break; sleep 0.1; "
                + "done\n"
                + "echo \"closed in the journal after $i\"\n"
                + "kill -9 $server; wait $server 2>/dev/null\n"
                + "user2=$(pvalue asker2.cfg P1360); pass2=$(pvalue asker2.cfg P1361)\n"
                + restart("restarted after kill -9 right after the downloads")
                + afterApproval("approved-killed")
                + "kill $server; wait $server\n"
                + restart("restarted after the approval")
                + afterApproval("approved-restarted")
                // Bob's window is over (a minute after his only download): his URL alone is refused, his
                // credentials work; wait (bounded) for the minute to pass
                + "for i in $(seq 1 100); do [ $(( $(date +%s) - bobAt )) -gt 61 ] && break; sleep 1; done\n"
                + "echo \"bob after the window: url alone $(status \"$urlB\")\"\n"
                + "bobUser=$(pvalue bob.cfg P1360); bobPass=$(pvalue bob.cfg P1361)\n"
                + "curl -s -f --digest -u \"$bobUser:$bobPass\" -o bob-digest.cfg \"$urlB\"; "
                + "echo \"bob after the window: digest $?\"\n"
                // the same with basic: FileInstall applies the edited deploy file; the challenge tells when
                + "printf 'bootstrapWindowMinutes=1\\nhttpAuthentication=basic\\n' > home/deploy/pnp.core.cfg\n"
                + "for i in $(seq 1 150); do curl -s -o /dev/null -D - \"$urlB\" | grep -qi '^WWW-Authenticate: Basic' "
                + "&& break; sleep 0.2; done\n"
                + retried("bob basic", "basic", "--basic -u \"$bobUser:$bobPass\"", "$urlB", "bob-basic.cfg")
                + "echo \"bob basic: url alone $(status \"$urlB\")\"\n"
                + "echo \"bob basic: wrong password $(status --basic -u \"$bobUser:x$bobPass\" \"$urlB\")\"\n", 170);
        System.out.print(out);
        System.out.printf("credentials end to end: %.1f s%n", (System.nanoTime() - started) / 1e9);
        String context = out + Namespace.files(dir, "alice.log", "asker1.log", "asker1.log.err", "asker2.log",
                "asker2.log.err") + Namespace.serverLog(dir);

        // Alice's phone is provisioned and reboots; then its URL alone is refused and TFTP too (README: a phone
        // with credentials gets its files over TFTP only during its bootstrap)
        assertTrue(out.contains("alice sipp 0") && out.contains("bob sipp 0"), context);
        Matcher url = URL.matcher(out);
        assertTrue(url.find(), "NOTIFY URL with a secret token:\n" + context);
        String oldToken = url.group(1);
        assertTrue(out.contains("alice download 1 0") && out.contains("alice download 2 0"), context);
        assertTrue(out.contains("alice credentials 12 16"), "P1360 (the MAC) and P1361 in the file:\n" + context);
        assertTrue(out.contains("alice tftp after bootstrap 68"), "TFTP File not found after the bootstrap:\n" + context);

        // the asker: no NOTIFY, no file, nothing moved, the phone keeps working; shown with its address
        assertTrue(out.contains("asker1 url []"), "no NOTIFY (no URL) for the asker:\n" + context);
        assertFalse(out.contains("asker1 sipp 0"), "sipp waited in vain for a NOTIFY:\n" + context);
        assertTrue(out.contains("asker tftp 68"), context);
        assertTrue(out.contains("alice bound to 127.0.0.1\n"), "the phone's address did not move:\n" + context);
        for (String when : new String[] {"asking", "restarted", "killed"}) {
            assertTrue(out.contains(when + ": alice url alone 401"), when + ":\n" + context);
            assertTrue(out.contains(when + ": alice digest 0"), when + ": the phone's own credentials:\n" + context);
            assertArrayEquals(Files.readAllBytes(dir.resolve("alice1.cfg")), Files.readAllBytes(dir.resolve(when + ".cfg")),
                    when + ": the same file");
            assertTrue(out.contains(when + ": asker url 401"), when + ": the URL, if learned, refuses the asker:\n"
                    + context);
            Matcher reask = Pattern.compile(when + ": reask (.*)").matcher(out);
            assertTrue(reask.find(), context);
            assertTrue(reask.group(1).contains("\"summary\":\"asks to be provisioned again from 127.0.0.2 (was 127.0.0.1)\"")
                    && reask.group(1).contains("\"address\":\"127.0.0.2\""), when + ": " + reask.group(1));
        }
        String asking = Files.readString(dir.resolve("asking.json"), StandardCharsets.UTF_8);
        assertEquals(1, asking.split("\"reask\":\\{", -1).length - 1, "only Alice's phone asks:\n" + asking);

        // approved: the asker is provisioned with a new URL; the old token and credentials are refused
        assertTrue(out.contains("asked again \"time\""), "the asker's second SUBSCRIBE was heard:\n" + context);
        assertTrue(out.contains("approve 200"), context + Namespace.files(dir, "approve.json"));
        assertTrue(out.contains("asker2 sipp 0"), "the asker got its NOTIFY after the approval:\n" + context);
        Matcher url2 = URL.matcher(out.substring(out.indexOf("url2 ")));
        assertTrue(url2.find(), "new NOTIFY URL:\n" + context);
        assertNotEquals(oldToken, url2.group(1), "the token was rotated");
        assertTrue(out.contains("alice's address new url 401"), "the new bootstrap serves the asker's address only:\n"
                + context);
        assertTrue(out.contains("asker download 1 tftp 0") && out.contains("asker download 2 0"), context);
        byte[] asker = Files.readAllBytes(dir.resolve("asker2.cfg"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("asker1.cfg")), asker, "same file over TFTP and HTTP");
        String askerBody = new String(asker, StandardCharsets.ISO_8859_1);
        String aliceBody = new String(Files.readAllBytes(dir.resolve("alice1.cfg")), StandardCharsets.ISO_8859_1);
        assertTrue(askerBody.contains("Alice-s3cret"), "the asker is now Alice's phone");
        assertNotEquals(p(aliceBody, "P1361"), p(askerBody, "P1361"), "new HTTP password");
        for (String when : new String[] {"approved-killed", "approved-restarted"}) {
            for (String refused : new String[] {"old url alone", "old url old digest", "old url new digest",
                "new url alone", "new url old digest"}) {
                assertTrue(out.contains(when + ": " + refused + " 401"), when + ": " + refused + ":\n" + context);
            }
            assertTrue(out.contains(when + ": new url new digest 0"), when + ":\n" + context);
            assertArrayEquals(asker, Files.readAllBytes(dir.resolve(when + ".cfg")), when + ": the same file");
            assertTrue(out.contains(when + ": tftp asker 68"), when + ": its bootstrap is over:\n" + context);
            assertTrue(out.contains(when + ": reask []"), when + ": the request is settled:\n" + context);
        }
        Properties alice = Namespace.phoneRecord(dir, ALICE);
        assertEquals("127.0.0.2", alice.getProperty("s.sourceAddress"), alice.toString());
        assertEquals("CLOSED", alice.getProperty("bootstrap"), alice.toString());

        // Bob's window ran out: his URL alone is refused; his credentials work, digest and basic
        assertTrue(out.contains("bob download 0") && out.contains("bob head during the window 200"), context);
        assertTrue(out.contains("bob after the window: url alone 401"), context);
        assertTrue(out.contains("bob after the window: digest 0"), context);
        assertTrue(out.contains("bob basic: url alone 401"), context);
        assertTrue(out.contains("bob basic: basic 0"), context);
        assertTrue(out.contains("bob basic: wrong password 401"), context);
        byte[] bob = Files.readAllBytes(dir.resolve("bob.cfg"));
        assertArrayEquals(bob, Files.readAllBytes(dir.resolve("bob-digest.cfg")), "Bob's file with digest");
        String basic = new String(Files.readAllBytes(dir.resolve("bob-basic.cfg")), StandardCharsets.ISO_8859_1);
        String bobBody = new String(bob, StandardCharsets.ISO_8859_1);
        assertEquals(p(bobBody, "P1361"), p(basic, "P1361"), "the same credentials under basic");
    }

    /** A P-value of a Grandstream binary file's text. */
    private static String p(String body, String name) {
        Matcher m = Pattern.compile("(?:^|&)" + name + "=([^&]*)").matcher(body);
        return m.find() ? m.group(1) : "";
    }
}
