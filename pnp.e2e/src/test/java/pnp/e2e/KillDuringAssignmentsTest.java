package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import pnp.e2e.ConsoleAssigner.Assigned;

/**
 * An assignment the server acknowledged is never lost: 1,000 assignments are made one after another
 * (three new phones, then a change of name and password of one of them, and so on), the server is
 * killed with {@code kill -9} once a few hundred were acknowledged, started again, and every phone
 * must be there with the values last acknowledged for it, in the Phones console's {@code phones.json}
 * (what Config Admin and the inventory loaded) and in Config Admin's files (the password, which no
 * page shows). The one request in flight at the kill may or may not have been stored, but only whole.
 *
 * <p>Two paths: the console's Phones plugin ({@code POST action=assign} with the CSRF token, driven
 * by {@link ConsoleAssigner}) and the Gogo command {@code pnp:assign}, typed into the shell's stdin
 * through a FIFO ({@code gosh.args=--noshutdown} instead of the distribution's
 * {@code --nointeractive}); an acknowledgement there is the command's printed answer.
 */
class KillDuringAssignmentsTest {

    static final String JAR = System.getProperty("pnp.jar");
    static final int COUNT = 1000;
    static final int KILL_AFTER = 300;
    static final String RESTART = "--- restarted after kill -9 ---";
    static final Pattern ROW_MAC = Pattern.compile("^([0-9a-f:]{17})\"");
    static final Pattern GOGO_ACK = Pattern.compile("(?:Assigned|Updated) 02:ca:fe:[0-9a-f:]{8} to extension \\d+ ");

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "curl", "timeout");
    }

    /** Kills the server once the count printed by {@code countCommand} reaches {@link #KILL_AFTER} (bounded). */
    private static String killAfter(String countCommand) {
        return "for i in $(seq 1 1200); do n=$(" + countCommand + "); [ \"$n\" -ge " + KILL_AFTER
                + " ] && break; sleep 0.05; done\n"
                + "kill -9 $server; wait $server 2>/dev/null; echo \"killed after $n acknowledged\"\n";
    }

    /** Starts the server again on the same home and waits (bounded) until it lists {@code $n} phones. */
    private static String restartAndList() {
        return "echo '" + RESTART + "' >> home/server.log\n"
                + PhonesConsoleTest.start()
                + "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT\n"
                + "for i in $(seq 1 300); do m=$(curl -s -u admin:$pw " + PhonesConsoleTest.CONSOLE
                + "/phones.json | grep -o '\"mac\":' | wc -l); [ \"$m\" -ge \"$n\" ] && break; sleep 0.1; done\n"
                + "sleep 1; echo \"listed $m after the restart\"\n"
                + "curl -s -u admin:$pw " + PhonesConsoleTest.CONSOLE + "/phones.json > after.json\n";
    }

    @Test
    void everyAssignmentTheConsoleAcknowledgedSurvivesKillMinus9(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("home/deploy"));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        long started = System.nanoTime();
        String out = Namespace.run(dir, PhonesConsoleTest.start()
                + PhonesConsoleTest.PASSWORD
                + "timeout 100 java -cp '" + classpath + "' " + ConsoleAssigner.class.getName() + " http://127.0.0.1:8080 "
                + "\"$pw\" " + COUNT + " acked.txt attempted.txt > client.out 2>&1 &\n"
                + "client=$!\n"
                + killAfter("cat acked.txt 2>/dev/null | wc -l")
                + "wait $client; echo \"client exit $?\"; cat client.out\n"
                + "n=$(cut -f1 acked.txt | sort -u | wc -l)\n"
                + restartAndList(), 180);
        System.out.print(out);
        System.out.printf("console path: %.1f s%n", (System.nanoTime() - started) / 1e9);
        String context = out + Namespace.serverLog(dir);
        assertTrue(out.contains("client exit 0"), context);
        assertTrue(out.contains("client acknowledged") && out.contains("no answer to assignment"),
                "the client was cut off mid-stream by the kill:\n" + context);
        List<Assigned> acked = lines(dir.resolve("acked.txt"));
        List<Assigned> attempted = lines(dir.resolve("attempted.txt"));
        assertTrue(acked.size() >= KILL_AFTER && acked.size() < COUNT, acked.size() + " acknowledged\n" + context);
        assertEquals(attempted.subList(0, acked.size()), acked, "every request before the kill was acknowledged");
        verify(dir, acked, attempted.size() > acked.size() ? attempted.get(acked.size()) : null, context);
    }

    @Test
    void everyAssignmentTheGogoShellAcknowledgedSurvivesKillMinus9(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("home/deploy"));
        List<Assigned> attempted = new ArrayList<>();
        StringBuilder commands = new StringBuilder();
        for (int i = 0; i < COUNT; i++) {
            Assigned a = Assigned.request(i, "gogo");
            attempted.add(a);
            commands.append("pnp:assign ").append(a.mac()).append(' ').append(a.extension()).append(" \"")
                    .append(a.displayName()).append("\" ").append(a.password()).append('\n');
        }
        Files.writeString(dir.resolve("gogo.txt"), commands);
        long started = System.nanoTime();
        String out = Namespace.run(dir, "mkfifo gogo.in\n"
                + "exec 3<>gogo.in\n" // held open read-write: the shell never sees EOF, the writer never blocks on open
                + "(cd home && exec java -Dgosh.args=--noshutdown -jar " + JAR + " <../gogo.in >>server.log 2>&1) &\n"
                + "server=$!\n"
                + "for i in $(seq 1 300); do grep -q 'Listening for PnP SUBSCRIBEs' home/server.log && "
                + "curl -s -o /dev/null http://127.0.0.1:8080/system/console/ && break; sleep 0.1; done\n"
                + "sleep 1\n"
                + PhonesConsoleTest.PASSWORD
                + "cat gogo.txt >&3 &\n"
                + "writer=$!\n"
                + killAfter("grep -c -E '(Assigned|Updated) 02:ca:fe:1' home/server.log")
                + "kill $writer 2>/dev/null; exec 3>&-\n"
                + "n=$(grep -c 'Assigned 02:ca:fe:1' home/server.log)\n"
                + restartAndList(), 180);
        System.out.print(out);
        System.out.printf("gogo path: %.1f s%n", (System.nanoTime() - started) / 1e9);
        String log = Files.readString(dir.resolve("home/server.log"), StandardCharsets.UTF_8);
        String context = out + "\n--- server.log ---\n" + log;
        assertTrue(log.contains(RESTART), context);
        // the shell runs one command after the other: the k-th answer acknowledges the k-th command
        List<Assigned> acked = new ArrayList<>();
        Matcher m = GOGO_ACK.matcher(log.substring(0, log.indexOf(RESTART)));
        while (m.find()) {
            int k = acked.size();
            Assigned a = attempted.get(k);
            assertEquals((Assigned.update(k) ? "Updated " : "Assigned ") + colon(a.mac()) + " to extension "
                    + a.extension() + " ", m.group(), "answer " + k);
            acked.add(a);
        }
        assertTrue(acked.size() >= KILL_AFTER && acked.size() < COUNT, acked.size() + " acknowledged\n" + context);
        verify(dir, acked, attempted.get(acked.size()), context);
    }

    /**
     * Every phone acknowledged is listed after the restart and stored with the values last
     * acknowledged for it, or with those of the request in flight at the kill when that was for it;
     * nothing else is stored; the restarted server warned about no broken assignment.
     *
     * @param acked the acknowledged requests, in order
     * @param inFlight the request sent but not acknowledged when the server died, or {@code null}
     */
    private static void verify(Path dir, List<Assigned> acked, Assigned inFlight, String context) throws IOException {
        Map<String, Map<String, String>> rows = rows(Files.readString(dir.resolve("after.json"), StandardCharsets.UTF_8));
        Map<String, Map<String, String>> stored = storedAssignments(dir.resolve("home/data/config"));
        Map<String, Assigned> last = new TreeMap<>();
        acked.forEach(a -> last.put(a.mac(), a));
        List<String> problems = new ArrayList<>();
        for (Assigned a : last.values()) {
            Map<String, String> row = rows.get(colon(a.mac()));
            if (row == null) {
                problems.add(a.mac() + " acknowledged but not listed");
                continue;
            }
            expect(problems, a.mac() + " state", "EXPECTED", row.get("state"));
            if (!listedAs(row, a) && !(inFlight != null && inFlight.mac().equals(a.mac()) && listedAs(row, inFlight))) {
                problems.add(a.mac() + " listed as " + row + ", acknowledged as " + a);
            }
        }
        for (String mac : last.keySet()) {
            if (!stored.containsKey(mac)) {
                problems.add(mac + " acknowledged but not stored");
            }
        }
        for (Map.Entry<String, Map<String, String>> e : stored.entrySet()) {
            Map<String, String> c = e.getValue();
            Assigned found = new Assigned(e.getKey(), c.get("extension"), c.get("displayName"), c.get("password"));
            if (!found.equals(last.get(e.getKey())) && !found.equals(inFlight)) {
                problems.add("stored " + e.getKey() + " with " + c.keySet() + " is neither what was acknowledged last ("
                        + last.get(e.getKey()) + ") nor the request in flight");
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " problems, " + acked.size() + " acknowledged for "
                + last.size() + " phones: " + problems.subList(0, Math.min(20, problems.size())) + "\n" + context);
        String log = Files.readString(dir.resolve("home/server.log"), StandardCharsets.UTF_8);
        String restarted = log.substring(log.indexOf(RESTART));
        assertFalse(restarted.contains("Ignoring phone assignment"), "a broken assignment after the restart:\n" + restarted);
        assertFalse(restarted.contains("ERROR"), "errors after the restart:\n" + restarted);
        System.out.println(acked.size() + " acknowledged for " + last.size() + " phones, " + stored.size()
                + " stored; in flight: " + inFlight);
    }

    private static boolean listedAs(Map<String, String> row, Assigned a) {
        return a.extension().equals(row.get("extension")) && a.displayName().equals(row.get("displayName"));
    }

    private static void expect(List<String> problems, String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            problems.add(what + ": expected '" + expected + "' but was '" + actual + "'");
        }
    }

    private static List<Assigned> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty())
                .map(Assigned::parse).toList();
    }

    private static String colon(String mac) {
        return mac.replaceAll("(..)(?!$)", "$1:");
    }

    /**
     * The rows of {@code phones.json} by colon-separated MAC: {@code state}, and the assignment's
     * {@code extension} and {@code displayName} as Config Admin holds them.
     */
    static Map<String, Map<String, String>> rows(String json) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String row : json.split("\\{\"mac\":\"")) {
            Matcher mac = ROW_MAC.matcher(row);
            if (!mac.find()) {
                continue;
            }
            Map<String, String> fields = new HashMap<>();
            fields.put("state", jsonField(row, "state", 0));
            int assignment = row.indexOf("\"assignment\":{");
            if (assignment >= 0) {
                fields.put("extension", jsonField(row, "extension", assignment));
                fields.put("displayName", jsonField(row, "displayName", assignment));
            }
            out.put(mac.group(1), fields);
        }
        return out;
    }

    private static String jsonField(String row, String name, int from) {
        Matcher m = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(row);
        return m.find(from) ? unescape(m.group(1)) : null;
    }

    /**
     * Config Admin's {@code pnp.phone} configurations as stored in its files ({@code key="value"}
     * lines, Felix's format), by MAC. Configurations without a MAC (created, never updated) are left
     * out: they hold no assignment.
     */
    static Map<String, Map<String, String>> storedAssignments(Path configDir) throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Path phones = configDir.resolve("pnp");
        if (!Files.isDirectory(phones)) {
            return out;
        }
        try (Stream<Path> files = Files.list(phones)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".config")).toList()) {
                Map<String, String> props = new HashMap<>();
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    int eq = line.indexOf("=\"");
                    if (eq > 0 && line.endsWith("\"")) {
                        props.put(line.substring(0, eq), unescape(line.substring(eq + 2, line.length() - 1)));
                    }
                }
                if ("pnp.phone".equals(props.get("service.factoryPid")) && props.containsKey("mac")) {
                    out.put(props.get("mac"), props);
                }
            }
        }
        return out;
    }

    /** Undoes backslash escapes: {@code \\uXXXX}, {@code \\n}, {@code \\t}, {@code \\r}, else the next character. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                default -> b.append(n);
            }
        }
        return b.toString();
    }
}
