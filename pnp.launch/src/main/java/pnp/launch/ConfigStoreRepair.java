package pnp.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finishes, before Config Admin reads its store, what a crash interrupted in it.
 *
 * <p>Felix Config Admin (1.9.26, {@code FilePersistenceManager}) stores a configuration by writing
 * {@code <name>.config<random>.tmp} completely, closing it, <em>deleting</em> {@code <name>.config}
 * and then renaming the temporary file to it. A {@code kill -9} between the delete and the rename
 * leaves no {@code .config} at all: the configuration is gone, with every value that was
 * acknowledged before the update (a phone's assignment, the console's credentials), and Config Admin
 * ignores {@code .tmp} files. In a loop of updates of one configuration, about every other
 * {@code kill -9} lands there.
 *
 * <p>Rules, for each {@code <name>.config<digits>.tmp} under the store:
 * <ul>
 * <li>{@code <name>.config} exists: the crash came before the delete, the stored configuration is
 * intact and the update was never acknowledged; the temporary file is deleted.
 * <li>{@code <name>.config} is missing and the temporary file is whole (not empty, ends with a line
 * end, has a {@code service.pid} line): it is the update that was interrupted between delete and
 * rename, written completely; it is renamed into place (the newest one, when there are several).
 * <li>otherwise (an empty or cut-off temporary file of a configuration's very first write, which was
 * never acknowledged): it is deleted.
 * </ul>
 *
 * <p>Runs single-threaded before any bundle starts; not thread-safe.
 */
final class ConfigStoreRepair {

    private static final Pattern TEMPORARY = Pattern.compile("(.+\\.config)\\d+\\.tmp");

    private ConfigStoreRepair() {
    }

    /**
     * Repairs the store under {@code dir}.
     *
     * @return one line per file restored or removed, for the log; empty when nothing was left over
     */
    static List<String> repair(Path dir) throws IOException {
        List<String> done = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return done;
        }
        Map<Path, List<Path>> byTarget = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Matcher m = TEMPORARY.matcher(f.getFileName().toString());
                if (m.matches()) {
                    byTarget.computeIfAbsent(f.resolveSibling(m.group(1)), t -> new ArrayList<>()).add(f);
                }
            }
        }
        for (Map.Entry<Path, List<Path>> e : byTarget.entrySet()) {
            Path target = e.getKey();
            List<Path> temporaries = new ArrayList<>(e.getValue());
            temporaries.sort(Comparator.comparing(ConfigStoreRepair::modified).reversed());
            Path restore = null;
            if (!Files.exists(target)) {
                for (Path t : temporaries) {
                    if (whole(t)) {
                        restore = t;
                        break;
                    }
                }
            }
            if (restore != null) {
                move(restore, target);
                done.add("restored " + dir.relativize(target) + " from " + restore.getFileName()
                        + " (an update interrupted between delete and rename)");
            }
            for (Path t : temporaries) {
                if (t != restore) {
                    Files.deleteIfExists(t);
                    done.add("removed " + dir.relativize(t) + " (a write that was never completed)");
                }
            }
        }
        return done;
    }

    /** Whether a temporary file holds a whole configuration as Felix writes one. */
    static boolean whole(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return !text.isEmpty() && text.endsWith("\n") && text.lines().anyMatch(l -> l.startsWith("service.pid="));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
