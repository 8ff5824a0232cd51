package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shell script in a throwaway network namespace that has only loopback, with a multicast
 * route on it: real multicast, and no packet can leave the machine. Needs root and the tools; when
 * they are missing the test is skipped, unless CI=true, where it fails.
 */
final class Namespace {

    private Namespace() {
    }

    static void requireTools(String... tools) {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> missing = java.util.Arrays.stream(tools).filter(t -> !onPath(t)).toList();
        String problem = !root ? "needs root for network namespaces" : missing.isEmpty() ? "" : "missing " + missing;
        if (ci) {
            assertTrue(problem.isEmpty(), problem);
        } else {
            assumeTrue(problem.isEmpty(), problem);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The server's log under {@code dir/home}, for failure messages; empty when there is none. */
    static String serverLog(Path dir) {
        try {
            Path log = dir.resolve("home/server.log");
            return Files.exists(log) ? "\n--- server.log ---\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Files under {@code dir} (a phone's sipp screen, errors, log), each under its name, for failure messages. */
    static String files(Path dir, String... names) {
        StringBuilder b = new StringBuilder();
        for (String name : names) {
            Path p = dir.resolve(name);
            try {
                if (Files.exists(p)) {
                    b.append("\n--- ").append(name).append(" ---\n")
                            .append(Files.readString(p, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                b.append("\n--- ").append(name).append(": ").append(e);
            }
        }
        return b.toString();
    }

    /**
     * A phone's record as the server persisted it: the last line of that phone in the journal
     * {@code dir/home/data/phones/phones.journal} (tab-separated {@code key=value}, escaped as in a
     * {@code .properties} file). Empty when the phone is not in it.
     */
    static java.util.Properties phoneRecord(Path dir, String mac) throws IOException {
        java.util.Properties p = new java.util.Properties();
        Path journal = dir.resolve("home/data/phones/phones.journal");
        if (!Files.exists(journal)) {
            return p;
        }
        String last = null;
        for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
            if (line.startsWith("mac=" + mac + "\t")) {
                last = line;
            }
        }
        if (last != null && !last.contains("\tdeleted=true")) {
            p.load(new java.io.StringReader(last.replace('\t', '\n')));
        }
        return p;
    }

    /**
     * Ends whatever still runs in the named network namespaces (made by a test with {@code ip netns add}) and
     * deletes them; for after a script that may have been killed before its own clean-up. Quiet when they are
     * already gone.
     */
    static void deleteNetns(String... names) throws IOException, InterruptedException {
        for (String name : names) {
            Process p = new ProcessBuilder("sh", "-c", "ip netns pids \"$1\" 2>/dev/null | xargs -r kill -9; "
                    + "ip netns del \"$1\" 2>/dev/null; true", "sh", name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * Shell functions every scenario has, reading the server's inventory journal (last line of a phone
     * wins, tombstones remove it): {@code phones_in JOURNAL [STATE]} prints how many phones are known
     * (in that state); {@code phone_state JOURNAL MAC} prints one phone's state.
     */
    static final String JOURNAL_FUNCTIONS = """
            phones_in() {
              [ -f "$1" ] || { echo 0; return; }
              awk -F'\t' -v want="${2:-}" '{ m = ""; s = ""
                  for (i = 1; i <= NF; i++) { if ($i ~ /^mac=/) m = substr($i, 5); else if ($i ~ /^state=/) s = substr($i, 7);
                    else if ($i == "deleted=true") s = "-" }
                  if (m != "") last[m] = s }
                END { n = 0; for (k in last) if (last[k] != "-" && (want == "" || last[k] == want)) n++; print n }' "$1"
            }
            phone_state() {
              [ -f "$1" ] || return 0
              grep "^mac=$2$(printf '\t')" "$1" | tail -1 | tr '\t' '\n' | sed -n 's/^state=//p'
            }
            """;

    /** Runs the script, bounded in time; returns what it printed. */
    static String run(Path dir, String script, long timeoutSeconds) throws IOException, InterruptedException {
        Path file = dir.resolve("scenario.sh");
        Files.writeString(file, "set -u\nip link set lo up\nip link set lo multicast on\n"
                + "ip route add 224.0.0.0/4 dev lo src 127.0.0.1\n" + JOURNAL_FUNCTIONS + script);
        Process p = new ProcessBuilder("timeout", "-k", "5", Long.toString(timeoutSeconds), "unshare", "--net", "bash",
                file.toString()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("scenario.out").toFile()).start();
        if (!p.waitFor(timeoutSeconds + 10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return Files.readString(dir.resolve("scenario.out"), StandardCharsets.UTF_8);
    }
}
