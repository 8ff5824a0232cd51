package pnp.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole simulator against a tiny fake PnP responder on loopback: it answers each SUBSCRIBE 200 and
 * sends a NOTIFY to the Contact with a URL that the test decides per MAC; an HTTP or TFTP test server
 * serves the files.
 */
class SimulatorTest {

    private static final Pattern MAC = Pattern.compile("MAC%3A([0-9A-F]{12})");
    private static final Pattern CONTACT = Pattern.compile("<sip:(?:[^@>]*@)?([0-9.]+):(\\d+)>");

    /** What the fake responder does for one MAC. */
    record Plan(int status, String url, int notifies, long resendAfterMillis) {
        Plan(int status, String url, int notifies) {
            this(status, url, notifies, 0);
        }
    }

    /** A fake PnP responder: one thread, string-built messages (independent of the simulator's builder). */
    static final class Responder implements AutoCloseable {
        final DatagramSocket socket;
        final Function<String, Plan> plans;
        final Map<String, AtomicInteger> notifyOks = new ConcurrentHashMap<>();
        final Set<String> subscribeSources = ConcurrentHashMap.newKeySet();
        final AtomicInteger subscribes = new AtomicInteger();

        Responder(Function<String, Plan> plans) throws IOException {
            this.plans = plans;
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread t = new Thread(this::loop, "fake-pnp");
            t.setDaemon(true);
            t.start();
        }

        String target() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        private void loop() {
            byte[] buf = new byte[8192];
            Set<String> seen = new HashSet<>();
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    String msg = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
                    if (msg.startsWith("SIP/2.0 200") && msg.contains("NOTIFY")) {
                        notifyOks.computeIfAbsent(header(msg, "Call-ID"), k -> new AtomicInteger()).incrementAndGet();
                        continue;
                    }
                    if (!msg.startsWith("SUBSCRIBE ")) {
                        continue;
                    }
                    subscribes.incrementAndGet();
                    subscribeSources.add(p.getAddress().getHostAddress());
                    Matcher mac = MAC.matcher(msg);
                    mac.find();
                    Plan plan = plans.apply(mac.group(1));
                    if (plan.status() == 0) {
                        continue; // silent
                    }
                    String reply = "SIP/2.0 " + plan.status() + " Whatever\r\nVia: " + header(msg, "Via") + "\r\nFrom: "
                            + header(msg, "From") + "\r\nTo: " + header(msg, "To") + ";tag=srv\r\nCall-ID: "
                            + header(msg, "Call-ID") + "\r\nCSeq: " + header(msg, "CSeq") + "\r\nExpires: 0\r\n"
                            + "Content-Length: 0\r\n\r\n";
                    send(reply, (InetSocketAddress) p.getSocketAddress());
                    String callId = header(msg, "Call-ID");
                    if (plan.status() != 200 || plan.url() == null || !seen.add(callId)) {
                        continue;
                    }
                    Matcher c = CONTACT.matcher(header(msg, "Contact"));
                    c.find();
                    InetSocketAddress contact = new InetSocketAddress(InetAddress.getByName(c.group(1)),
                            Integer.parseInt(c.group(2)));
                    String body = plan.url();
                    String notify = "NOTIFY sip:" + c.group(1) + ":" + c.group(2) + " SIP/2.0\r\n"
                            + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bKn" + callId.hashCode()
                            + "\r\nFrom: " + header(msg, "To") + ";tag=srv\r\nTo: " + header(msg, "From")
                            + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 NOTIFY\r\nMax-Forwards: 70\r\n"
                            + "Event: ua-profile\r\nSubscription-State: terminated;reason=timeout\r\n"
                            + "Content-Type: application/url\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
                    for (int i = 0; i < plan.notifies(); i++) {
                        send(notify, contact);
                    }
                    if (plan.resendAfterMillis() > 0) { // a retransmission after the phone has finished
                        Thread later = new Thread(() -> {
                            try {
                                Thread.sleep(plan.resendAfterMillis());
                                send(notify, contact);
                            } catch (IOException | InterruptedException e) {
                                // the test sees the missing 200
                            }
                        });
                        later.setDaemon(true);
                        later.start();
                    }
                } catch (IOException | RuntimeException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        }

        private void send(String text, InetSocketAddress to) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(b, b.length, to));
        }

        private static String header(String msg, String name) {
            for (String line : msg.split("\r\n")) {
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return line.substring(name.length() + 1).strip();
                }
            }
            return "";
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private record Run(int status, String out, List<String[]> csv, Map<String, String> summary) {
    }

    private static Run run(Path dir, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        Path csv = dir.resolve("results.csv");
        Path summary = dir.resolve("summary.txt");
        all.addAll(List.of("--out", csv.toString(), "--summary", summary.toString(), "--quiet"));
        if (!all.contains("--linger")) {
            all.addAll(List.of("--linger", "0"));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            rows.add(csvFields(line));
        }
        Map<String, String> kv = new ConcurrentHashMap<>();
        for (String line : Files.readAllLines(summary)) {
            int eq = line.indexOf('=');
            kv.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new Run(rc, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8), rows, kv);
    }

    /** One CSV line's fields, quotes honoured. */
    private static String[] csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        fields.add(f.toString());
        return fields.toArray(String[]::new);
    }

    @Test
    void everyPhoneGetsItsFileTwiceFromItsOwnAddress(@TempDir Path dir) throws Exception {
        try (TestHttpServer http = new TestHttpServer(r -> {
            String name = r.target().substring(r.target().lastIndexOf('/') + 1);
            return TestHttpServer.ok(("<gs_provision>" + name + "</gs_provision>").getBytes(StandardCharsets.UTF_8));
        }); Responder pnp = new Responder(mac -> new Plan(200,
                "http://127.0.0.1:" + http.port() + "/provisioning/tok" + mac + "/cfg" + mac.toLowerCase(Locale.ROOT),
                2))) {
            Run r = run(dir, "--phones", "30", "--target", pnp.target(), "--source-from", "127.3.0.250",
                    "--downloads", "2", "--concurrency", "8", "--rate", "0", "--linger", "2");
            assertEquals(0, r.status(), r.out());
            assertEquals("30", r.summary().get("ok"));
            assertEquals("0", r.summary().get("failed"));
            assertEquals(30, r.csv().size());
            Set<String> phoneAddresses = new HashSet<>();
            for (String[] row : r.csv()) {
                assertEquals("ok", row[3], String.join(",", row));
                assertTrue(row[10].contains("/cfg" + row[1].toLowerCase(Locale.ROOT)), row[10]);
                phoneAddresses.add(row[2].substring(0, row[2].lastIndexOf(':')));
            }
            assertEquals(30, phoneAddresses.size());
            assertTrue(phoneAddresses.contains("127.3.0.250") && phoneAddresses.contains("127.3.0.254")
                    && phoneAddresses.contains("127.3.1.1") && !phoneAddresses.contains("127.3.0.255"),
                    phoneAddresses.toString());
            assertEquals(phoneAddresses, pnp.subscribeSources);
            // two downloads per phone, each from the phone's own address
            assertEquals(60, http.requests.size());
            Set<String> httpClients = new HashSet<>();
            http.requests.forEach(q -> httpClients.add(q.client().getHostAddress()));
            assertEquals(phoneAddresses, httpClients);
            // the NOTIFY was sent twice: both copies answered. On a loaded machine the responder's thread may
            // send the second copy only after the phone has finished; the phone lingers (--linger 2) to answer
            // it, as a real phone's SIP socket stays open. The responder may still be reading the last answers
            // when the run returns: wait for them.
            awaitAnswers(pnp, 30, 2);
            assertEquals(30, pnp.notifyOks.size());
            pnp.notifyOks.values().forEach(n -> assertEquals(2, n.get()));
            assertTrue(r.out().contains("SUBSCRIBE -> NOTIFY"), r.out());
        }
    }

    @Test
    void failuresAreCountedByReason(@TempDir Path dir) throws Exception {
        AtomicInteger downloads = new AtomicInteger();
        try (TestHttpServer http = new TestHttpServer(r -> {
            if (r.target().contains("missing")) {
                return TestHttpServer.response(404, "Not Found", new byte[0]);
            }
            if (r.target().contains("changing")) {
                return TestHttpServer.ok(("copy " + downloads.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
            }
            return TestHttpServer.ok("same".getBytes(StandardCharsets.UTF_8));
        }); Responder pnp = new Responder(mac -> {
            int last = Integer.parseInt(mac.substring(10), 16);
            String base = "http://127.0.0.1:" + http.port() + "/";
            return switch (last % 6) {
                case 0 -> new Plan(0, null, 0);              // silent server
                case 1 -> new Plan(404, null, 0);            // refused
                case 2 -> new Plan(200, null, 0);            // 200 but never a NOTIFY
                case 3 -> new Plan(200, base + "missing", 1);
                case 4 -> new Plan(200, base + "changing", 1);
                default -> new Plan(200, base + "fine", 1);
            };
        })) {
            Run r = run(dir, "--phones", "12", "--target", pnp.target(), "--mac-start", "000B82000000",
                    "--downloads", "2", "--t1", "50", "--subscribe-timeout", "2", "--notify-timeout", "2",
                    "--concurrency", "12");
            assertEquals(1, r.status(), r.out());
            assertEquals("2", r.summary().get("ok"));
            assertEquals("10", r.summary().get("failed"));
            assertEquals("2", r.summary().get("fail_no_answer_to_subscribe"));
            assertEquals("2", r.summary().get("fail_subscribe_answered_404"));
            assertEquals("2", r.summary().get("fail_no_notify"));
            assertEquals("2", r.summary().get("fail_http_404"));
            assertEquals("2", r.summary().get("fail_download_differs"));
            for (String[] row : r.csv()) {
                int last = Integer.parseInt(row[1].substring(10), 16);
                if (last % 6 == 0) {
                    assertTrue(Integer.parseInt(row[5]) > 1, "SUBSCRIBE retransmitted: " + String.join(",", row));
                }
            }
            assertTrue(r.out().contains("no NOTIFY"), r.out());
        }
    }

    @Test
    void atcomPhonesFetchTheirFilesOverTftp(@TempDir Path dir) throws Exception {
        try (TestTftpServer tftp = new TestTftpServer(); Responder pnp = new Responder(
                mac -> new Plan(200, "tftp://127.0.0.1:" + tftp.port(), 1))) {
            tftp.files.put("a000000000020.cfg", "<<VOIP CONFIG FILE>>common".getBytes(StandardCharsets.UTF_8));
            for (int i = 1; i <= 5; i++) {
                String mac = String.format("8082870000%02x", i);
                tftp.files.put(mac + ".cfg", TestTftpServer.bytes(700 + i, i));
            }
            Run r = run(dir, "--vendor", "atcom", "--phones", "6", "--target", pnp.target(), "--source-from",
                    "127.4.0.1", "--downloads", "2", "--tftp-timeout", "3000");
            // the sixth phone's own file does not exist: TFTP error 1
            assertEquals(1, r.status(), r.out());
            assertEquals("5", r.summary().get("ok"));
            assertEquals("1", r.summary().get("fail_tftp_error_1"));
            for (TestTftpServer.Rrq q : tftp.requests) {
                String n = q.client().getAddress().getHostAddress();
                assertTrue(n.startsWith("127.4.0."), n);
            }
            long common = tftp.requests.stream().filter(q -> q.file().equals("a000000000020.cfg")).count();
            assertEquals(6 + 5, common, "the common file first, by every phone, again after the reboot");
            assertTrue(tftp.requests.stream().anyMatch(q -> q.file().equals("808287000006.cfg")));
            for (String[] row : r.csv()) {
                if (row[3].equals("ok")) {
                    assertEquals("2", row[12]);
                }
            }
        }
    }

    @Test
    void finishedPhonesStillAnswerNotifyRetransmissionsWhileTheyLinger(@TempDir Path dir) throws Exception {
        try (Responder pnp = new Responder(mac -> new Plan(200, "http://127.0.0.1:9/never", 1, 300))) {
            Run r = run(dir, "--phones", "3", "--target", pnp.target(), "--source-from", "127.5.0.1", "--downloads",
                    "0", "--linger", "3");
            assertEquals(0, r.status(), r.out());
            awaitAnswers(pnp, 3, 2);
            assertEquals(3, pnp.notifyOks.size());
            pnp.notifyOks.values().forEach(n -> assertEquals(2, n.get(), "the late NOTIFY was answered too"));
            assertEquals("3", r.summary().get("notify_retransmissions"));
        }
        // the late copy comes a whole second after the first: a phone closing at once is closed by then,
        // even on a loaded machine
        try (Responder pnp = new Responder(mac -> new Plan(200, "http://127.0.0.1:9/never", 1, 1000))) {
            Run r = run(dir, "--phones", "2", "--target", pnp.target(), "--downloads", "0", "--linger", "0");
            assertEquals(0, r.status(), r.out());
            Thread.sleep(1500);
            pnp.notifyOks.values().forEach(n -> assertEquals(1, n.get(), "closed at once: no answer to the late one"));
        }
    }

    /** Waits (10 s at most) until the responder has read {@code each} NOTIFY answers from {@code calls} calls. */
    private static void awaitAnswers(Responder pnp, int calls, int each) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - end < 0 && (pnp.notifyOks.size() < calls
                || pnp.notifyOks.values().stream().anyMatch(n -> n.get() < each))) {
            Thread.sleep(20);
        }
    }

    @Test
    void phonesNotDoneByTheDeadlineFail(@TempDir Path dir) throws Exception {
        try (Responder pnp = new Responder(mac -> new Plan(0, null, 0))) {
            Run r = run(dir, "--phones", "5", "--target", pnp.target(), "--timeout", "0.3", "--rate", "10");
            assertEquals(1, r.status(), r.out());
            assertEquals("5", r.summary().get("fail_deadline"));
        }
    }
}
