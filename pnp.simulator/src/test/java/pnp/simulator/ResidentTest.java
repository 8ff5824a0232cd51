package pnp.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resident phones against a fake PnP responder and HTTP server on loopback: after provisioning, the
 * test itself sends each phone a resync NOTIFY and sees it accepted and followed by a download from
 * the config server path in the phone's file (with the file's HTTP credentials), challenged and
 * accepted once answered with the SIP account's digest, or ignored.
 */
class ResidentTest {

    private static final Pattern MAC = Pattern.compile("MAC%3A([0-9A-F]{12})");
    private static final Pattern CONTACT = Pattern.compile("<sip:(?:[^@>]*@)?([0-9.]+):(\\d+)>");
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("prov:h p&w".getBytes(StandardCharsets.UTF_8));

    @Test
    void residentPhonesAcceptChallengeOrIgnoreAResync(@TempDir Path dir) throws Exception {
        AtomicInteger version = new AtomicInteger(1);
        Map<String, AtomicInteger> fromFilePath = new ConcurrentHashMap<>();
        AtomicInteger unauthorized = new AtomicInteger();
        AtomicInteger port = new AtomicInteger();
        try (TestHttpServer http = new TestHttpServer(r -> {
            String mac = r.target().replaceAll(".*cfg([0-9a-f]{12}).*", "$1");
            if (r.target().startsWith("/prov/")) {
                if (!BASIC.equals(r.headers().get("authorization"))) {
                    unauthorized.incrementAndGet();
                    return TestHttpServer.response(401, "Unauthorized", new byte[0]);
                }
                fromFilePath.computeIfAbsent(mac, k -> new AtomicInteger()).incrementAndGet();
            }
            return TestHttpServer.ok(file(mac, port.get(), version.get()));
        }); DatagramSocket pnp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            pnp.setSoTimeout(200);
            int httpPort = http.port();
            port.set(httpPort);
            Path csv = dir.resolve("r.csv");
            Path summary = dir.resolve("s.txt");
            AtomicReference<Integer> rc = new AtomicReference<>();
            Thread sim = new Thread(() -> rc.set(Main.run(new String[] {"--phones", "4", "--target",
                    "127.0.0.1:" + pnp.getLocalPort(), "--source-from", "127.4.0.10", "--concurrency", "4", "--linger", "0", "--save-files", dir.resolve("saved").toString(),
                    "--resident", "8", "--resync", "accept,challenge,ignore,accept-only", "--timeout", "60", "--out", csv.toString(),
                    "--summary", summary.toString(), "--quiet"}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream()))));
            sim.start();

            // provision: 200 and a NOTIFY (URL /notify/...) for every SUBSCRIBE; remember the contacts
            Map<String, InetSocketAddress> contacts = new ConcurrentHashMap<>();
            long stop = System.nanoTime() + 20_000_000_000L;
            while (http.requests.size() < 4 && System.nanoTime() < stop) {
                String msg = receive(pnp);
                if (msg == null || !msg.startsWith("SUBSCRIBE ")) {
                    continue;
                }
                Matcher m = MAC.matcher(msg);
                m.find();
                String mac = m.group(1).toLowerCase(Locale.ROOT);
                Matcher c = CONTACT.matcher(header(msg, "Contact"));
                c.find();
                InetSocketAddress contact = new InetSocketAddress(InetAddress.getByName(c.group(1)), Integer.parseInt(c.group(2)));
                send(pnp, "SIP/2.0 200 OK\r\nVia: " + header(msg, "Via") + "\r\nFrom: " + header(msg, "From") + "\r\nTo: "
                        + header(msg, "To") + ";tag=srv\r\nCall-ID: " + header(msg, "Call-ID") + "\r\nCSeq: "
                        + header(msg, "CSeq") + "\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n", contact);
                if (contacts.putIfAbsent(mac, contact) == null) {
                    send(pnp, notify(pnp, "ua-profile", "pnp-" + mac, 1, "http://127.0.0.1:" + httpPort + "/notify/cfg" + mac, null),
                            contact);
                }
            }
            assertEquals(4, contacts.size(), "four phones provisioned");
            version.set(2); // the administrator changed something: the next download differs

            // phone 1: accept
            InetSocketAddress accepting = contacts.get("000b82000001");
            send(pnp, notify(pnp, "check-sync;reboot=false", "rs-1", 1, "", null), accepting);
            assertTrue(answer(pnp, "rs-1").startsWith("SIP/2.0 200"));

            // phone 2: challenge, a wrong password gets 401 again, the right one 200
            InetSocketAddress challenging = contacts.get("000b82000002");
            send(pnp, notify(pnp, "resync", "rs-2", 1, "", null), challenging);
            String challenge = answer(pnp, "rs-2");
            assertTrue(challenge.startsWith("SIP/2.0 401"), challenge);
            String nonce = Resident.value(header(challenge, "WWW-Authenticate").substring(7), "nonce");
            send(pnp, notify(pnp, "resync", "rs-2", 2, "", digest("a102", "wrong", nonce)), challenging);
            String again = answer(pnp, "rs-2");
            assertTrue(again.startsWith("SIP/2.0 401"), again);
            nonce = Resident.value(header(again, "WWW-Authenticate").substring(7), "nonce");
            send(pnp, notify(pnp, "resync", "rs-2", 3, "", digest("a102", "sip p&w", nonce)), challenging);
            assertTrue(answer(pnp, "rs-2").startsWith("SIP/2.0 200"));

            // phone 3: ignore
            send(pnp, notify(pnp, "check-sync", "rs-3", 1, "", null), contacts.get("000b82000003"));
            assertNull(answer(pnp, "rs-3"), "an ignoring phone sends nothing");

            // phone 4: accept, and nothing more
            send(pnp, notify(pnp, "resync", "rs-4", 1, "", null), contacts.get("000b82000004"));
            assertTrue(answer(pnp, "rs-4").startsWith("SIP/2.0 200"));

            sim.join(60_000);
            assertEquals(0, rc.get());
            List<String> rows = Files.readAllLines(csv);
            String header = rows.get(0);
            List<String> columns = List.of(header.split(","));
            Map<String, String[]> byMac = new ConcurrentHashMap<>();
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",", -1);
                byMac.put(f[1].toLowerCase(Locale.ROOT), f);
            }
            String[] a = byMac.get("000b82000001");
            assertEquals("accept", a[columns.indexOf("resync")]);
            assertEquals("1", a[columns.indexOf("resync_downloads")]);
            assertEquals("1", a[columns.indexOf("resync_changed")], "the new version was fetched");
            assertEquals("check-sync;reboot=false", a[columns.indexOf("resync_event")]);
            String[] c = byMac.get("000b82000002");
            assertEquals("challenge", c[columns.indexOf("resync")]);
            assertEquals("2", c[columns.indexOf("resync_401")]);
            assertEquals("1", c[columns.indexOf("resync_200")]);
            assertEquals("1", c[columns.indexOf("resync_downloads")]);
            String[] i = byMac.get("000b82000003");
            assertEquals("ignore", i[columns.indexOf("resync")]);
            assertEquals("1", i[columns.indexOf("resync_notifies")]);
            assertEquals("0", i[columns.indexOf("resync_downloads")]);
            assertEquals(1, fromFilePath.get("000b82000001").get(), "downloaded from P237's path with P1360/P1361");
            assertEquals(1, fromFilePath.get("000b82000002").get());
            assertNull(fromFilePath.get("000b82000003"));
            String[] o = byMac.get("000b82000004");
            assertEquals("accept-only", o[columns.indexOf("resync")]);
            assertEquals("1", o[columns.indexOf("resync_200")]);
            assertEquals("0", o[columns.indexOf("resync_downloads")]);
            assertNull(fromFilePath.get("000b82000004"), "accepted, never downloaded");
            Path saved = dir.resolve("saved/000B82000001");
            try (var names = Files.list(saved.resolve("resync"))) {
                Path resynced = names.findFirst().orElseThrow();
                assertEquals(new String(file("000b82000001", port.get(), 2), java.nio.charset.StandardCharsets.UTF_8),
                        Files.readString(resynced), "the download after the resync is kept");
                assertEquals(new String(file("000b82000001", port.get(), 1), java.nio.charset.StandardCharsets.UTF_8),
                        Files.readString(saved.resolve(resynced.getFileName().toString())), "beside the first");
            }
            assertFalse(Files.exists(dir.resolve("saved/000B82000004/resync")));
            assertEquals(0, unauthorized.get(), "Basic credentials sent from the start");
            String s = Files.readString(summary);
            assertTrue(s.contains("resident=4") && s.contains("resync_downloads=2") && s.contains("resync_changed=2"), s);
        }
    }

    @Test
    void residentNeedsAFileAndAThreadPerPhone() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--resident", "5", "--downloads", "0"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--resident", "5", "--phones", "300"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--resync", "accept,maybe"));
        Options o = Options.parse("--resident", "5", "--phones", "3", "--resync", "challenge,ignore");
        assertEquals(Resident.Behaviour.CHALLENGE, o.resyncBehaviour(0));
        assertEquals(Resident.Behaviour.IGNORE, o.resyncBehaviour(1));
        assertEquals(Resident.Behaviour.CHALLENGE, o.resyncBehaviour(2));
        assertEquals(Resident.Behaviour.ACCEPT_ONLY,
                Options.parse("--resident", "5", "--phones", "1", "--resync", "accept-only").resyncBehaviour(0));
    }

    @Test
    void eachVendorsFileNamesItsServerAndAccount() {
        PhoneFile gs = PhoneFile.read(Vendor.GRANDSTREAM, List.of(new Downloader.Fetched("cfg", file("000b82000001", 5481, 1))));
        assertEquals("http://127.0.0.1:5481/prov/000b82000001/", gs.serverUrl());
        assertEquals("http://prov:h%20p%26w@127.0.0.1:5481/prov/000b82000001/", gs.downloadUrl("http://x/notify"));
        assertEquals("a102", gs.authId());
        assertEquals("sip p&w", gs.sipPassword());
        PhoneFile yl = PhoneFile.read(Vendor.YEALINK, List.of(new Downloader.Fetched("x.cfg", """
                #!version:1.0.0.1
                account.1.auth_name = 201
                account.1.password = pw
                static.auto_provision.server.url = https://192.0.2.1:5482/provisioning/t/
                """.getBytes(StandardCharsets.UTF_8))));
        assertEquals("https://192.0.2.1:5482/provisioning/t/", yl.downloadUrl("http://x/notify"));
        assertEquals("201", yl.authId());
        PhoneFile at = PhoneFile.read(Vendor.ATCOM, List.of(new Downloader.Fetched("x.cfg", """
                <<VOIP CONFIG FILE>>Version:2.0000000001
                <SIP CONFIG MODULE>
                SIP1 Register User :301
                SIP1 Register Pswd :a:b
                <AUTOUPDATE CONFIG MODULE>
                Download Server IP :tftp://192.0.2.1
                <<END OF FILE>>
                """.getBytes(StandardCharsets.UTF_8))));
        assertEquals("tftp://192.0.2.1", at.downloadUrl("http://x/notify"));
        assertEquals("a:b", at.sipPassword());
        assertEquals("http://x/notify", PhoneFile.read(Vendor.SNOM, List.of()).downloadUrl("http://x/notify"));
    }

    /** A Grandstream XML file naming its config server (P212/P237), HTTP credentials and SIP account. */
    private static byte[] file(String mac, int port, int version) {
        String server = "127.0.0.1:" + port + "/prov/" + mac;
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><gs_provision version=\"1\"><mac>" + mac
                + "</mac><config version=\"1\"><P35>102</P35><P36>a102</P36><P34>sip p&amp;w</P34><P212>1</P212><P237>"
                + server + "</P237><P1360>prov</P1360><P1361>h p&amp;w</P1361><P3>v" + version
                + "</P3></config></gs_provision>").getBytes(StandardCharsets.UTF_8);
    }

    private static String notify(DatagramSocket from, String event, String callId, int cseq, String body, String authorization) {
        return "NOTIFY sip:phone SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + from.getLocalPort() + ";branch=z9hG4bK" + callId + cseq
                + "\r\nFrom: <sip:pnp@127.0.0.1>;tag=srv\r\nTo: <sip:phone@127.0.0.1>\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq
                + " NOTIFY\r\nMax-Forwards: 70\r\nEvent: " + event + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + (body.isEmpty() ? "" : "Content-Type: application/url\r\n") + "Content-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    private static String digest(String user, String password, String nonce) throws Exception {
        String ha1 = md5(user + ":" + Resident.REALM + ":" + password);
        String ha2 = md5("NOTIFY:sip:phone");
        return "Digest username=\"" + user + "\", realm=\"" + Resident.REALM + "\", nonce=\"" + nonce
                + "\", uri=\"sip:phone\", response=\"" + md5(ha1 + ":" + nonce + ":" + ha2) + "\", algorithm=MD5";
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** The response to the NOTIFY with this Call-ID, skipping other datagrams; null when none within 2 s. */
    private static String answer(DatagramSocket s, String callId) throws Exception {
        long stop = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < stop) {
            String msg = receive(s);
            if (msg != null && msg.startsWith("SIP/2.0") && callId.equals(header(msg, "Call-ID"))) {
                return msg;
            }
        }
        return null;
    }

    private static String receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[8192];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
    }

    private static void send(DatagramSocket s, String text, InetSocketAddress to) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, to));
    }

    private static String header(String msg, String name) {
        for (String line : msg.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return "";
    }
}
