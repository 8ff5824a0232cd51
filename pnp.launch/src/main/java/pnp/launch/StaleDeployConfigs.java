package pnp.launch;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Deletes, before Config Admin reads its store, the configurations whose {@code deploy/} file was
 * removed while the server was stopped.
 *
 * <p>FileInstall records the file a configuration came from in its {@code felix.fileinstall.filename}
 * property and deletes the configuration when it sees that file go. A file deleted while the server
 * is down is never seen going: at the next start FileInstall only compares the files it finds, so the
 * configuration would stay in effect although "removing a file undoes it". Here every stored
 * configuration that names a file which no longer exists is deleted from the store.
 *
 * <p>Reads Felix Config Admin's file format (1.9: {@code key="value"} lines, backslash escapes), as
 * {@link ConfigStoreRepair} does. Runs single-threaded before any bundle starts; not thread-safe.
 */
final class StaleDeployConfigs {

    static final String FILENAME = "felix.fileinstall.filename";

    private StaleDeployConfigs() {
    }

    /**
     * Removes the stale configurations under {@code store}.
     *
     * @return one line per configuration removed, for the log; empty when every file is still there
     */
    static List<String> remove(Path store) throws IOException {
        List<String> done = new ArrayList<>();
        if (!Files.isDirectory(store)) {
            return done;
        }
        List<Path> configs;
        try (Stream<Path> files = Files.walk(store)) {
            configs = files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".config"))
                    .sorted().toList();
        }
        for (Path config : configs) {
            List<String> lines = Files.readAllLines(config, StandardCharsets.UTF_8);
            Optional<Path> source = value(lines, FILENAME).flatMap(StaleDeployConfigs::path);
            if (source.isPresent() && !Files.exists(source.get())) {
                Files.delete(config);
                done.add(source.get() + " was removed while the server was stopped: its configuration "
                        + value(lines, "service.pid").orElse(store.relativize(config).toString()) + " is deleted");
            }
        }
        return done;
    }

    /** The value of {@code key} in a stored configuration, unescaped; empty when absent or not a string. */
    static Optional<String> value(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key + "=")) {
                String v = line.substring(key.length() + 1).strip();
                if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
                    return Optional.empty();
                }
                return Optional.of(unescape(v.substring(1, v.length() - 1)));
            }
        }
        return Optional.empty();
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                if (n == 'u' && i + 4 < s.length()) {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                } else {
                    b.append(switch (n) {
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        case 'f' -> '\f';
                        case 'b' -> '\b';
                        default -> n;
                    });
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** FileInstall writes the file as a {@code file:} URL; anything else is left alone. */
    private static Optional<Path> path(String url) {
        try {
            URI uri = URI.create(url);
            return "file".equals(uri.getScheme()) ? Optional.of(Path.of(uri)) : Optional.empty();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }
}
