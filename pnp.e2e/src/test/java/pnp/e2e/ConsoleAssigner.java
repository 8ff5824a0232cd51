package pnp.e2e;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The client half of {@link KillDuringAssignmentsTest}, run as a program inside the test's network
 * namespace: logs in to the console as a browser does (Basic authentication, the Phones page for
 * its CSRF token), then assigns phones one after another through the Phones plugin's
 * {@code POST action=assign} ({@link Assigned#request}: new phones and changes of phones assigned
 * before). Before each request it appends the values to {@code attempted}; after
 * each 2xx it appends them to {@code acknowledged} and flushes, so the file lists exactly what the
 * server acknowledged, even if the server dies the next moment. It stops at the first request that
 * gets no answer (the server was killed).
 *
 * <p>Arguments: console base URL, console password, number of assignments, acknowledged file,
 * attempted file. Values are written as {@link Assigned#line()}.
 */
public final class ConsoleAssigner {

    static final Pattern TOKEN = Pattern.compile("data-token=\"([^\"]+)\"");

    private ConsoleAssigner() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + args[1]).getBytes(StandardCharsets.UTF_8));
        int count = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/system/console/phones"))
                .header("Authorization", basic).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher token = TOKEN.matcher(page.body());
        if (page.statusCode() != 200 || !token.find()) {
            System.out.println("client FAIL no page token: HTTP " + page.statusCode());
            System.exit(1);
        }
        String csrf = token.group(1).replace("&amp;", "&");
        int acknowledged = 0;
        String stop = "all sent";
        try (BufferedWriter acked = Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.UTF_8);
                BufferedWriter attempted = Files.newBufferedWriter(Path.of(args[4]), StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                Assigned a = Assigned.request(i, "console");
                attempted.write(a.line());
                attempted.newLine();
                attempted.flush();
                HttpResponse<String> r;
                try {
                    r = http.send(HttpRequest.newBuilder(URI.create(base + "/system/console/phones"))
                            .header("Authorization", basic).header("X-PnP-Token", csrf)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .timeout(Duration.ofSeconds(20))
                            .POST(HttpRequest.BodyPublishers.ofString(form(a))).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    stop = "no answer to assignment " + i + ": " + e;
                    break;
                }
                if (r.statusCode() / 100 != 2) {
                    System.out.println("client: assignment " + i + " refused: HTTP " + r.statusCode() + " " + r.body());
                    continue;
                }
                acked.write(a.line());
                acked.newLine();
                acked.flush();
                acknowledged++;
            }
        }
        System.out.println("client acknowledged " + acknowledged + " of " + count + "; " + stop);
    }

    private static String form(Assigned a) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("action", "assign");
        f.put("mac", a.mac());
        f.put("extension", a.extension());
        f.put("displayName", a.displayName());
        f.put("password", a.password());
        return f.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /**
     * One assignment's values, never with a tab (the line's separator). The console's display names
     * stress the configuration store's quoting ({@code " \ = #}, non-ASCII); the Gogo shell's stay
     * plain words, as its parser and Java 17's default stdin charset want.
     */
    record Assigned(String mac, String extension, String displayName, String password) {

        /**
         * The {@code i}th request of the {@code console} or {@code gogo} series (separate MACs and
         * extensions): every fourth one changes the name and password of the phone assigned three
         * requests before (an update of its stored configuration), the others assign a new phone.
         */
        static Assigned request(int i, String series) {
            if (i % 4 == 3) {
                Assigned first = request(i - 3, series);
                return new Assigned(first.mac(), first.extension(), first.displayName() + " v2",
                        first.password() + "-v2");
            }
            boolean console = series.equals("console");
            int block = console ? 0 : 1;
            return new Assigned(String.format("02cafe%d%05x", block, i), Integer.toString(10000 * (block + 1) + i),
                    console ? "Büro " + i + " \"q\" \\ =#" : "Gogo phone " + i, "Pw-" + series + "-" + i + "-x7Qz");
        }

        /** Whether this request changes a phone assigned before. */
        static boolean update(int i) {
            return i % 4 == 3;
        }

        String line() {
            return String.join("\t", mac, extension, displayName, password);
        }

        static Assigned parse(String line) {
            String[] f = line.split("\t", -1);
            return new Assigned(f[0], f[1], f[2], f[3]);
        }
    }
}
