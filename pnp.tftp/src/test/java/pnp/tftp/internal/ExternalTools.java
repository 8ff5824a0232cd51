package pnp.tftp.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Finding and running the real programs the tests talk to, always bounded in time. */
final class ExternalTools {

    private ExternalTools() {
    }

    /** The program's path; skips the test when it is missing, unless {@code CI=true} (then fails). */
    static String require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        missing(program + " is not installed (apt-get install " + debianPackage + ")");
        return null;
    }

    /** Skips (or on CI fails) with {@code why}. */
    static void missing(String why) {
        if ("true".equals(System.getenv("CI"))) {
            fail(why);
        }
        Assumptions.abort(why);
    }

    /** The exit code and combined output of a finished program. */
    record Result(int exitCode, String output) {
    }

    /** Runs a program to its end, killing it after {@code timeoutSeconds}. */
    static Result run(int timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("tftp-tool", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail("timed out after " + timeoutSeconds + " s: " + command + "\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
