package pnp.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Dictionary;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.felix.cm.file.FilePersistenceManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreRepairTest {

    static final String WHOLE = "extension=\"201\"\r\nmac=\"000b82273b89\"\r\nservice.pid=\"pnp.phone~000b82273b89\"\r\n";

    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void aLeftoverBesideItsConfigurationIsRemovedAndTheConfigurationKept() throws Exception {
        Path config = write("pnp/phone%007e000b82273b89.config", WHOLE);
        Path tmp = write("pnp/phone%007e000b82273b89.config4711.tmp", WHOLE.replace("201", "999"));
        assertEquals(List.of("removed pnp/phone%007e000b82273b89.config4711.tmp (a write that was never completed)"),
                ConfigStoreRepair.repair(dir));
        assertFalse(Files.exists(tmp));
        assertEquals(WHOLE, Files.readString(config));
    }

    @Test
    void aWholeUpdateWhoseConfigurationWasDeletedIsRenamedIntoPlace() throws Exception {
        write("pnp/phone%007e000b82273b89.config17.tmp", WHOLE);
        assertEquals(List.of("restored pnp/phone%007e000b82273b89.config from phone%007e000b82273b89.config17.tmp "
                + "(an update interrupted between delete and rename)"), ConfigStoreRepair.repair(dir));
        assertEquals(WHOLE, Files.readString(dir.resolve("pnp/phone%007e000b82273b89.config")));
        try (Stream<Path> left = Files.list(dir.resolve("pnp"))) {
            assertEquals(1, left.count());
        }
    }

    @Test
    void theNewestWholeOneWinsAndCutOffOrEmptyOnesAreRemoved() throws Exception {
        Path older = write("a/b.config1.tmp", WHOLE.replace("201", "older"));
        Path newer = write("a/b.config2.tmp", WHOLE.replace("201", "newer"));
        Path cut = write("a/b.config3.tmp", WHOLE.substring(0, WHOLE.length() - 5));
        Files.setLastModifiedTime(older, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(newer, FileTime.fromMillis(2_000_000));
        Files.setLastModifiedTime(cut, FileTime.fromMillis(3_000_000));
        write("c/d.config9.tmp", "");
        write("c/e.config8.tmp", "mac=\"000b82273b89\"\r\n");
        List<String> done = ConfigStoreRepair.repair(dir);
        assertEquals(5, done.size(), done.toString());
        assertTrue(Files.readString(dir.resolve("a/b.config")).contains("newer"));
        try (Stream<Path> left = Files.walk(dir)) {
            assertEquals(List.of(dir.resolve("a/b.config")), left.filter(Files::isRegularFile).toList());
        }
    }

    @Test
    void otherFilesAndAMissingStoreAreLeftAlone() throws Exception {
        write("x/y.config", WHOLE);
        write("x/notes.tmp", WHOLE);
        write("x/y.config.tmp", WHOLE);
        assertEquals(List.of(), ConfigStoreRepair.repair(dir));
        assertEquals(List.of(), ConfigStoreRepair.repair(dir.resolve("missing")));
    }

    /**
     * The real thing: a process updating one configuration through Felix's FilePersistenceManager is
     * killed with SIGKILL again and again. After each kill and the repair, Felix finds the
     * configuration, whole. Without the repair, it is gone after about every other kill; the test
     * checks that it did hit that window.
     */
    @Test
    void killedInTheMiddleOfUpdatesTheConfigurationIsNeverLost() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random random = new Random(42);
        int kills = 0;
        int restored = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (kills < 40 && !(kills >= 10 && restored >= 3) && System.nanoTime() < deadline) {
            Path store = dir.resolve("store" + kills);
            Process p = new ProcessBuilder(java, "-cp", classpath, StoreLoop.class.getName(), store.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("stored", out.readLine(), "the child stored the configuration once");
                Thread.sleep(20 + random.nextInt(200));
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            }
            kills++;
            List<String> done = ConfigStoreRepair.repair(store);
            if (done.stream().anyMatch(d -> d.startsWith("restored"))) {
                restored++;
            }
            FilePersistenceManager felix = new FilePersistenceManager(store.toString());
            assertTrue(felix.exists(StoreLoop.PID), "kill " + kills + ": the configuration exists; repair: " + done);
            @SuppressWarnings("unchecked")
            Dictionary<String, Object> props = felix.load(StoreLoop.PID);
            assertEquals("000b82000001", props.get("mac"), "kill " + kills);
            assertEquals("a-strong-secret", props.get("password"), "kill " + kills);
            assertTrue(Long.parseLong((String) props.get("extension")) >= 200, "kill " + kills);
            try (Stream<Path> files = Files.walk(store)) {
                assertEquals(0, files.filter(f -> f.toString().endsWith(".tmp")).count(), "no leftovers");
            }
        }
        System.out.println(kills + " kills, " + restored + " of them between Felix's delete and rename");
        assertTrue(restored >= 1, "no kill hit the window between delete and rename in " + kills + " kills");
    }
}
