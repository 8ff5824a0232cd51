package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's Phones page with a real browser and a real phone, and the inventory across a crash.
 * Everything runs in a loopback-only namespace: the server jar, sipp (multicast SUBSCRIBE with a
 * hostile User-Agent, then waiting for the NOTIFY), and {@link PhonesBrowser} driving headless
 * chromium, started as a program with this test's classpath.
 */
class PhonesConsoleTest {

    static final String JAR = System.getProperty("pnp.jar");
    static final String SIPP = System.getProperty("pnp.sipp");
    static final String CONSOLE = "http://127.0.0.1:8080/system/console";
    static final Pattern ROW = Pattern.compile("\"mac\":\"([0-9a-f:]{17})\".*?\"state\":\"([A-Z_]+)\"");

    /** The console password, from the log of the first start. */
    static final String PASSWORD = "pw=$(grep -o \"password '[^']*'\" home/server.log | head -1 | cut -d\"'\" -f2)\n";

    /**
     * Starts the server (no trap: the caller decides how it ends) and waits, bounded, for the ready line
     * (which carries the first start's password) and the console.
     */
    /**
     * Starts the server (its log appended to home/server.log) and waits for its ready line: a new one, since
     * after a restart the log still holds the previous run's.
     */
    static String start() {
        return "ready0=$(cat home/server.log 2>/dev/null | grep -c 'PnP server ready')\n"
                + "(cd home && exec java -jar " + JAR + " </dev/null >>server.log 2>&1) &\n"
                + "server=$!\n"
                + "for i in $(seq 1 300); do [ \"$(grep -c 'PnP server ready' home/server.log)\" -gt \"$ready0\" ] && "
                + "curl -s -o /dev/null http://127.0.0.1:8080/system/console/ && break; sleep 0.1; done\n";
    }

    @Test
    void browserSeesAHostilePhoneAsTextAndAssignsIt(@TempDir Path dir) throws Exception {
        Namespace.requireTools("unshare", "ip", "sipp", "curl", "timeout", "chromium", "chromedriver");
        Files.createDirectories(dir.resolve("home/deploy"));
        // pnp-phone.xml with the User-Agent from field 4, and time for a person to assign the phone
        String scenario = Files.readString(Path.of(SIPP, "pnp-phone.xml"))
                .replace("User-Agent: [field1] [field2] [field3]", "User-Agent: [field4]")
                .replace("timeout=\"10000\"", "timeout=\"90000\"");
        assertTrue(scenario.contains("[field4]") && scenario.contains("90000"), "pnp-phone.xml changed shape");
        Files.writeString(dir.resolve("hostile.xml"), scenario);
        Files.writeString(dir.resolve("hostile.csv"), "SEQUENTIAL\n000B82273B89;Grandstream;"
                + "GXP2140<img src=x onerror=alert(1)>;1.0.11.16;<script>alert(1)</script> \"><img src=x>;\n");
        Path screenshot = Path.of("target", "phones.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String out = Namespace.run(dir, "export SE_OFFLINE=true\n" + start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + PASSWORD
                + "echo \"json without credentials $(curl -s -o /dev/null -w '%{http_code}' " + CONSOLE
                + "/phones.json)\"\n"
                + "echo \"post without token $(curl -s -o /dev/null -w '%{http_code}' -u admin:$pw -d action=forget "
                + "-d mac=000b82273b89 " + CONSOLE + "/phones)\"\n"
                + "timeout 110 sipp 224.0.1.75:5060 -sf hostile.xml -inf hostile.csv -i 127.0.0.1 -p 5070 -m 1 "
                + "-nostdin -recv_timeout 100000 -trace_logs -log_file sipp.log -trace_err -error_file sipp.err "
                + ">/dev/null 2>&1 &\n"
                + "sipp=$!\n"
                + "timeout 100 java -cp '" + classpath + "' " + PhonesBrowser.class.getName() + " http://127.0.0.1:8080 "
                + "\"$pw\" 00:0b:82:27:3b:89 " + screenshot + " " + dir.resolve("chrome-profile") + "\n"
                + "wait $sipp; echo \"sipp exit $?\"\n"
                + "curl -s -u admin:$pw " + CONSOLE + "/phones.json > after.json\n", 240);
        String context = out + Namespace.serverLog(dir);
        assertTrue(out.contains("json without credentials 401"), "console authentication covers phones.json:\n" + out);
        assertTrue(out.contains("post without token 403"), "POST without the CSRF token refused:\n" + out);
        assertTrue(out.contains("browser OK"), "the browser scenario:\n" + context);
        assertTrue(out.contains("sipp exit 0"), "sipp received the NOTIFY and answered it:\n" + context);
        assertTrue(Files.size(screenshot) > 10_000, "a screenshot was saved");
        String json = Files.readString(dir.resolve("after.json"));
        assertTrue(json.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"), json);
    }

    @Test
    void everyPhoneHeardOrPreAssignedSurvivesKillMinus9(@TempDir Path dir) throws Exception {
        Namespace.requireTools("unshare", "ip", "sipp", "curl", "timeout");
        Files.createDirectories(dir.resolve("home/deploy"));
        for (int i = 0; i < 200; i++) {
            Files.writeString(dir.resolve(String.format("home/deploy/pnp.phone-p%03d.cfg", i)),
                    String.format("mac=0004f2%06x%nextension=%d%npassword=Secret-%03d-pw%ndisplayName=Phone %d%n",
                            i, 1000 + i, i, i));
        }
        Files.writeString(dir.resolve("heard.csv"), "SEQUENTIAL\n"
                + "MAC001565f4f9e1;profile-type=\"device\" vendor=\"yealink\" model=\"T46S\" version=\"66.86\";"
                + "Yealink SIP-T46S 66.86;\n");
        String count = "n=$(curl -s -u admin:$pw " + CONSOLE + "/phones.json | grep -o '\"mac\":' | wc -l)\n";
        String waitFor201 = "for i in $(seq 1 300); do " + count.strip() + "; [ \"$n\" -ge 201 ] && break; sleep 0.2; "
                + "done; echo \"listed $n\"\n";
        String out = Namespace.run(dir, start()
                + PASSWORD
                + "timeout 40 sipp 224.0.1.75:5060 -sf " + SIPP + "/pnp-subscribe-200.xml -inf heard.csv -i 127.0.0.1 "
                + "-p 5070 -m 1 -nostdin -recv_timeout 15000 >/dev/null 2>&1; echo \"sipp exit $?\"\n"
                + waitFor201
                // kill -9 keeps only what is in the journal, which is written in the background (flushed each
                // second): wait (bounded) until it holds what the console lists, rather than 1 s
                + "for i in $(seq 1 300); do [ $(phones_in home/data/phones/phones.journal EXPECTED) -ge 200 ] && "
                + "[ \"$(phone_state home/data/phones/phones.journal 001565f4f9e1)\" = UNCLAIMED ] && break; "
                + "sleep 0.1; done\n"
                + "curl -s -u admin:$pw " + CONSOLE + "/phones.json > before.json\n"
                + "kill -9 $server; wait $server 2>/dev/null; echo killed\n"
                + start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + waitFor201
                + "curl -s -u admin:$pw " + CONSOLE + "/phones.json > after.json\n", 200);
        assertTrue(out.contains("sipp exit 0"), out + Namespace.serverLog(dir));
        assertTrue(out.contains("killed"), out);
        Map<String, String> before = states(Files.readString(dir.resolve("before.json")));
        Map<String, String> after = states(Files.readString(dir.resolve("after.json")));
        assertEquals(201, before.size(), "200 pre-assigned + 1 heard, before the crash:\n" + out + Namespace.serverLog(dir));
        assertEquals(200, before.values().stream().filter("EXPECTED"::equals).count(), before.toString());
        assertEquals("UNCLAIMED", before.get("00:15:65:f4:f9:e1"), "the heard phone (no Yealink bundle)");
        assertEquals(before, after, "every phone with its state after kill -9 and restart:\n" + out + Namespace.serverLog(dir));
    }

    /**
     * A bulk import of the most lines one import takes, as a script sends it (curl, CSV as the body): far
     * past Jetty's 200 KB form limit. One line too many is refused as a whole, with a JSON answer. A small
     * CSV sent the older way, as the form field {@code csv}, is still taken.
     */
    @Test
    void fiveThousandPhonesAreImportedInOneRequest(@TempDir Path dir) throws Exception {
        Namespace.requireTools("unshare", "ip", "curl", "timeout");
        Files.createDirectories(dir.resolve("home/deploy"));
        StringBuilder csv = new StringBuilder("mac,extension,name,password\n");
        for (int i = 0; i < 5000; i++) {
            csv.append(String.format("0004f3%06x,%d,\"Imported phone %d, desk \"\"%d\"\"\",Import-Secret-%05d-xyz%n", i,
                    20000 + i, i, i, i));
        }
        Files.writeString(dir.resolve("phones.csv"), csv);
        Files.writeString(dir.resolve("toomany.csv"), csv + "0004f4000000,30000,One too many\n");
        // older scripts send the CSV as the form field "csv": still taken
        Files.writeString(dir.resolve("form.csv"), "mac,extension,name,password\n"
                + "0004f5000001,31001,Form phone 1,Form-Secret-0001-xyz\n0004f5000002,31002,\"Form, phone 2\",Form-Secret-0002-xyz\n");
        String post = "curl -s -o %s -w '%%{http_code}\\n' -u admin:$pw -H \"X-PnP-Token: $token\" "
                + "-H 'Content-Type: text/csv; charset=utf-8' --data-binary @%s '" + CONSOLE + "/phones?action=import'\n";
        String out = Namespace.run(dir, start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + PASSWORD
                + "token=$(curl -s -u admin:$pw " + CONSOLE + "/phones | sed -n 's/.*data-token=\"\\([^\"]*\\)\".*/\\1/p' "
                + "| head -1 | sed 's/&amp;/\\&/g')\n"
                + "echo \"size $(stat -c %s phones.csv)\"\n"
                + "echo \"too many: $(" + String.format(post, "toomany.json", "toomany.csv").strip() + ")\"\n"
                + "echo \"import: $(" + String.format(post, "import.json", "phones.csv").strip() + ")\"\n"
                + "echo \"form: $(curl -s -o form.json -w '%{http_code}' -u admin:$pw -H \"X-PnP-Token: $token\" "
                + "--data-urlencode csv@form.csv '" + CONSOLE + "/phones?action=import')\"\n"
                // the inventory takes the stored assignments from Config Admin in the background
                + "for i in $(seq 1 300); do n=$(curl -s -u admin:$pw " + CONSOLE + "/phones/phones.json | grep -o "
                + "'\"mac\":' | wc -l); [ \"$n\" -ge 5002 ] && break; sleep 0.2; done\n"
                + "curl -s -u admin:$pw " + CONSOLE + "/phones/phones.json > listed.json\n", 200);
        assertTrue(Integer.parseInt(out.replaceAll("(?s).*size (\\d+).*", "$1")) > 200_000, out);
        assertTrue(out.contains("too many: 400"), out + Namespace.serverLog(dir));
        assertTrue(Files.readString(dir.resolve("toomany.json")).contains("at most 5000 lines"),
                Files.readString(dir.resolve("toomany.json")));
        assertTrue(out.contains("import: 200"), out + Namespace.serverLog(dir));
        String answer = Files.readString(dir.resolve("import.json"));
        assertTrue(answer.startsWith("{\"ok\":true") && answer.contains("Imported 5000 of 5000 lines."),
                answer.substring(0, Math.min(answer.length(), 2000)));
        assertTrue(out.contains("form: 200"), out + Namespace.serverLog(dir));
        String form = Files.readString(dir.resolve("form.json"));
        assertTrue(form.startsWith("{\"ok\":true") && form.contains("Imported 2 of 2 lines."), form);
        String listed = Files.readString(dir.resolve("listed.json"));
        assertEquals(5002, states(listed).size(), "every imported phone is listed");
        assertTrue(listed.contains("Form, phone 2"), "form field's quoted CSV field read whole");
        assertTrue(listed.contains("Imported phone 4999, desk \\\"4999\\\""), "quoted CSV field read whole");
    }

    private static Map<String, String> states(String json) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = ROW.matcher(json);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }
}
