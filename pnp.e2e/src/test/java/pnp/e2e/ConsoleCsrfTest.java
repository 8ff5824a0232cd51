package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page on another origin (a small HTTP server on 127.0.0.2:8000, in the same namespace as the server jar),
 * opened in headless chromium that holds the console's credentials, tries what a CSRF attack on the Felix Web
 * Console would: install and start a bundle (multipart POST to {@code /bundles}), stop a bundle, change a
 * configuration. Afterwards the console's JSON, read with curl, shows nothing changed. A script (curl with
 * credentials, no Origin) still changes a configuration, and so does the console's own page in the browser.
 * Then the login delay: after three wrong passwords the right one is answered 429 without being checked, and
 * taken once the delay is over; and Felix's own page carries the anti-framing headers.
 */
class ConsoleCsrfTest {

    static final String CONSOLE = PhonesConsoleTest.CONSOLE;

    /** Prints bundle count, pnp.tftp's id and state, whether the attacker's bundle is there, the config value. */
    static final String STATE = "state() {\n"
            + "  curl -s -u admin:$pw " + CONSOLE + "/bundles.json > bundles.json\n"
            + "  curl -s -u admin:$pw " + CONSOLE + "/configMgr/pnp.tftp.json > tftp.json\n"
            + "  python3 - <<'PY'\n"
            + "import json\n"
            + "b = json.load(open('bundles.json'))['data']\n"
            + "t = [x for x in b if x['symbolicName'] == 'pnp.tftp'][0]\n"
            + "c = json.load(open('tftp.json'))[0]['properties']['maxTransfersPerAddress']['value']\n"
            + "print('bundles=%d tftp=%d tftpState=%s yealink=%s maxTransfersPerAddress=%s' % (len(b), t['id'],"
            + " t['state'], any(x['symbolicName'] == 'pnp.vendor.yealink' for x in b), c))\n"
            + "PY\n"
            + "}\n";

    static final String ATTACK_PAGE = """
            <!doctype html>
            <html><head><title>cute cats</title></head><body><pre id="log"></pre>
            <form id="stop" method="POST" action="CONSOLE/bundles/TFTP_ID" target="sink">
              <input type="hidden" name="action" value="stop"></form>
            <iframe name="sink"></iframe>
            <script>
            var C = 'CONSOLE';
            function log(s) { document.getElementById('log').textContent += s + '\\n'; }
            function post(what, url, body) {
              return fetch(url, {method: 'POST', mode: 'no-cors', credentials: 'include', body: body})
                .then(function () { log(what + ' sent'); }, function (e) { log(what + ' failed: ' + e); });
            }
            fetch('bundle.jar').then(function (r) { return r.blob(); }).then(function (jar) {
              var install = new FormData();
              install.append('action', 'install');
              install.append('bundlestart', 'start');
              install.append('bundlestartlevel', '1');
              install.append('bundlefile', jar, 'cats.jar');
              return post('install', C + '/bundles', install);
            }).then(function () {
              return post('stop', C + '/bundles/TFTP_ID', new URLSearchParams({action: 'stop'}));
            }).then(function () {
              return post('config', C + '/configMgr/pnp.tftp', new URLSearchParams({apply: 'true',
                propertylist: 'maxTransfersPerAddress', maxTransfersPerAddress: '3'}));
            }).then(function () {
              document.getElementById('stop').submit();
              log('stop form submitted');
              setTimeout(function () { document.title = 'done'; }, 1500);
            });
            </script></body></html>
            """.replace("CONSOLE", CONSOLE);

    @Test
    void aPageOfAnotherSiteChangesNothingScriptsAndTheConsoleItselfStillDo(@TempDir Path dir) throws Exception {
        Namespace.requireTools("unshare", "ip", "curl", "timeout", "python3", "chromium", "chromedriver");
        Files.createDirectories(dir.resolve("home/deploy"));
        Files.createDirectories(dir.resolve("www"));
        Files.copy(Path.of(System.getProperty("pnp.yealink.jar")), dir.resolve("www/bundle.jar"));
        Files.writeString(dir.resolve("www/attack.html"), ATTACK_PAGE);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String browser = "timeout 90 java -cp '" + classpath + "' " + CrossSiteBrowser.class.getName();
        String out = Namespace.run(dir, PhonesConsoleTest.start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; kill $www 2>/dev/null' EXIT\n"
                + PhonesConsoleTest.PASSWORD
                + STATE
                + "python3 -m http.server 8000 --bind 127.0.0.2 --directory www >www.log 2>&1 &\n"
                + "www=$!\n"
                + "for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.2:8000/ && break; "
                + "sleep 0.1; done\n"
                // a script: credentials, no Origin, no Referer
                + "echo \"script POST $(curl -s -o /dev/null -w '%{http_code}' -u admin:$pw -d apply=true "
                + "-d propertylist=maxTransfersPerAddress -d maxTransfersPerAddress=7 " + CONSOLE + "/configMgr/pnp.tftp)\"\n"
                + "echo \"before: $(state)\"\n"
                + "tid=$(state | sed -n 's/.* tftp=\\([0-9]*\\) .*/\\1/p')\n"
                + "sed -i \"s/TFTP_ID/$tid/g\" www/attack.html\n"
                + browser + " attack http://127.0.0.2:8000/attack.html \"$pw\" " + dir.resolve("profile-attack") + "\n"
                + "sleep 2\n"
                + "echo \"after attack: $(state)\"\n"
                + "echo \"cross-site log lines $(grep -c 'as a possible cross-site request' home/server.log)\"\n"
                + "echo \"pages fetched $(grep -c 'GET /attack.html' www.log)\"\n"
                + browser + " console http://127.0.0.1:8080 \"$pw\" " + dir.resolve("profile-console") + "\n"
                + "echo \"after console: $(state)\"\n"
                // wrong passwords until three reached the console (a refused one does not count) ...
                + "n=0; for i in $(seq 1 60); do c=$(curl -s -o /dev/null -w '%{http_code}' -u admin:wrong " + CONSOLE
                + "/bundles.json); echo \"wrong $c\"; [ $c = 401 ] && n=$((n+1)); [ $n = 3 ] && break; sleep 0.25; done\n"
                // ... so the right one is refused for 4 s, then taken
                + "echo \"right at once $(curl -s -D right.hdr -o /dev/null -w '%{http_code}' -u admin:$pw " + CONSOLE
                + "/bundles.json) $(grep -i '^retry-after' right.hdr | tr -d '\\r')\"\n"
                + "for i in $(seq 1 100); do c=$(curl -s -o /dev/null -w '%{http_code}' -u admin:$pw " + CONSOLE
                + "/bundles.json); [ $c = 200 ] && break; sleep 0.25; done; echo \"right later $c\"\n"
                + "curl -s -D headers.txt -o /dev/null -u admin:$pw " + CONSOLE + "/bundles\n", 200);
        String context = out + Namespace.serverLog(dir);
        assertTrue(out.contains("script POST 302") || out.contains("script POST 200"),
                "a script with credentials and no Origin still changes a configuration:\n" + context);
        String before = line(out, "before: ");
        assertTrue(before.contains("tftpState=Active") && before.contains("yealink=False")
                && before.contains("maxTransfersPerAddress=7"), "the starting state, the script's change in it:\n" + context);
        assertTrue(out.contains("pages fetched 1"), "the browser opened the attack page:\n" + context);
        assertTrue(out.contains("install sent") && out.contains("stop sent") && out.contains("config sent")
                && out.contains("stop form submitted"), "the page sent every request:\n" + context);
        assertTrue(line(out, "after attack: ").equals(before.replace("before: ", "after attack: ")),
                "nothing changed: same bundles, pnp.tftp still active, no new bundle, same value:\n" + context);
        assertTrue(!out.contains("cross-site log lines 0"), "the refusal is logged:\n" + context);
        assertTrue(out.contains("same-origin POST: status 200 value 9"),
                "the console's own page still changes a configuration:\n" + context);
        assertTrue(line(out, "after console: ").contains("maxTransfersPerAddress=9"), context);

        assertTrue(out.contains("wrong 429"), "a wrong password right after a failed one is refused at once:\n" + out);
        assertTrue(line(out, "right at once ").matches("right at once 429 Retry-After: [1-4]"),
                "while the delay lasts, the right password is not even checked:\n" + out);
        assertTrue(out.contains("right later 200"), "after the delay the right password works:\n" + context);
        assertTrue(Namespace.serverLog(dir).contains("failed login #1 in a row from 127.0.0.1"), context);
        String headers = Files.readString(dir.resolve("headers.txt"));
        assertTrue(headers.contains("X-Frame-Options: SAMEORIGIN") && headers.contains(
                "Content-Security-Policy: frame-ancestors 'self'") && headers.contains("X-Content-Type-Options: nosniff"),
                "clickjacking and sniffing headers on Felix's own page:\n" + headers);
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(prefix + "(missing)");
    }
}
