package pnp.simulator;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;

/**
 * One booting phone, start to end on the calling thread: SUBSCRIBE with RFC 3261 timer E
 * retransmissions (T1 doubling up to T2 = 4 s, T2 after a provisional answer) until a final answer or
 * the SUBSCRIBE timeout; a 200 expected; the NOTIFY awaited and answered 200 (as is every NOTIFY
 * retransmission that reaches the phone while it waits, between downloads and before it closes its
 * socket); the URL in its body downloaded {@code downloads} times, every copy compared with the first.
 * Every wait is bounded by its step's timeout and the run's overall deadline.
 */
final class Phone {

    private static final long T2_NANOS = 4_000_000_000L;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[65_536]);

    private final Options options;
    private final int index;
    private final String mac;
    private final InetAddress local;
    private final NetworkInterface multicastInterface;
    private final long deadline;
    private final Lingerer lingerer;
    private final String toTag = Sip.token(10);

    private int subscribes;
    private long start;
    private long to200 = -1;
    private long toNotify = -1;
    private long toDownload = -1;
    private SipMessage notify;
    private String notifyFrom = "";
    private String callId = "";
    private int notifies;

    /**
     * @param local the address this phone binds (its own, or the one all phones share)
     * @param multicastInterface where the group is sent, null for the system's choice
     * @param deadline the run's overall deadline, {@link System#nanoTime()} based
     * @param lingerer who keeps the phone's SIP socket open after it finished, null for nobody
     */
    Phone(Options options, int index, String mac, InetAddress local, NetworkInterface multicastInterface,
            long deadline, Lingerer lingerer) {
        this.options = options;
        this.index = index;
        this.mac = mac;
        this.local = local;
        this.multicastInterface = multicastInterface;
        this.deadline = deadline;
        this.lingerer = lingerer;
    }

    PhoneResult run() {
        String url = "";
        Resident.Outcome resident = Resident.Outcome.NONE;
        int files = 0;
        long bytes = 0;
        String category = "";
        String detail = "";
        String where = local.getHostAddress();
        DatagramChannel channel = null;
        try {
            channel = open();
            InetSocketAddress me = (InetSocketAddress) channel.getLocalAddress();
            where = Sip.host(me.getAddress()) + ":" + me.getPort();
            DatagramSocket socket = channel.socket();
            Sip.Subscribe s = Sip.Subscribe.of(options.vendor, mac, options.model(), options.firmware(), me,
                    options.target, options.multicast());
            callId = s.callId();
            subscribe(socket, Sip.subscribe(s));
            awaitNotify(socket);
            url = SipMessage.urlOfBody(notify.body());
            check(notify, url);
            if (options.downloads > 0) {
                Downloader d = new Downloader(
                        new HttpGet(local, options.insecure, options.maxFileSize,
                                options.vendor.httpUserAgent(options.model(), options.firmware(), mac)),
                        new TftpGet(local, options.tftpBlockSize, options.tftpTimeoutMillis, options.tftpRetries,
                                options.maxFileSize),
                        options.files(), options.downloadTimeoutMillis);
                List<Downloader.Fetched> first = fetch(d, url);
                toDownload = System.nanoTime() - start;
                files = first.size();
                for (Downloader.Fetched f : first) {
                    bytes += f.content().length;
                }
                if (options.saveFiles != null) {
                    save(options.saveFiles.resolve(mac), first);
                }
                for (int n = 2; n <= options.downloads; n++) {
                    drain(channel);
                    compare(n, first, fetch(d, url));
                }
                if (options.residentMillis > 0) { // it answers what arrived meanwhile itself, resyncs included
                    Resident r = new Resident(options, options.resyncBehaviour(index), d, mac, url, first, toTag);
                    resident = r.run(socket, Math.min(deadline, System.nanoTime() + options.residentMillis * 1_000_000L));
                }
            }
            drain(channel);
        } catch (Failure f) {
            category = f.category();
            detail = f.detail();
        } catch (IOException | RuntimeException e) {
            category = "local error";
            detail = e.toString();
        }
        long end = System.nanoTime();
        if (channel != null) {
            if (lingerer != null && options.lingerMillis > 0 && channel.isOpen()) {
                lingerer.add(channel, end + options.lingerMillis * 1_000_000L, toTag);
            } else {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closed anyway
                }
            }
        }
        if (start == 0) {
            start = end;
        }
        return new PhoneResult(index, mac, where, category, detail, subscribes, start, end, to200, toNotify,
                toDownload, shownUrl(url), notifyFrom, files, bytes, notifies, resident);
    }

    private DatagramChannel open() throws IOException, Failure {
        boolean v6 = options.target.getAddress().getAddress().length == 16;
        DatagramChannel ch = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.bind(new InetSocketAddress(local, options.localPort));
            if (options.multicast()) {
                if (multicastInterface != null) {
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, multicastInterface);
                }
                ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, options.ttl);
                ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, options.loopback);
            }
            return ch;
        } catch (IOException e) {
            ch.close();
            throw new Failure("local error", "cannot bind " + local.getHostAddress() + ":" + options.localPort
                    + ": " + e.getMessage());
        }
    }

    /** Sends the SUBSCRIBE until a final answer; a 2xx ends it, anything else fails the phone. */
    private void subscribe(DatagramSocket socket, byte[] subscribe) throws IOException, Failure {
        DatagramPacket out = new DatagramPacket(subscribe, subscribe.length, options.target);
        start = System.nanoTime();
        long stop = Math.min(start + options.subscribeTimeoutMillis * 1_000_000L, deadline);
        long interval = options.t1Millis * 1_000_000L;
        long next = start + interval;
        socket.send(out);
        subscribes = 1;
        while (to200 < 0) {
            long now = System.nanoTime();
            if (now >= stop) {
                throw new Failure(stop == deadline ? "deadline" : "no answer to SUBSCRIBE", subscribes
                        + " SUBSCRIBEs sent, no final answer within " + ms(now - start) + " ms");
            }
            if (now >= next) {
                socket.send(out);
                subscribes++;
                interval = Math.min(interval * 2, T2_NANOS);
                next = now + interval;
                continue;
            }
            Received r = receive(socket, Math.min(next, stop) - now);
            if (r == null) {
                continue;
            }
            SipMessage m = r.message();
            if (!m.isRequest()) {
                if (!callId.equals(m.header("call-id")) || !m.cseqMethod().equals("SUBSCRIBE")) {
                    continue;
                }
                if (m.status() < 200) {
                    interval = T2_NANOS; // provisional: keep retransmitting, at T2
                    next = r.time() + interval;
                } else if (m.status() < 300) {
                    to200 = r.time() - start;
                } else {
                    throw new Failure("SUBSCRIBE answered " + m.status(),
                            "SUBSCRIBE answered " + m.status() + " " + m.reason());
                }
            } else {
                request(socket, r);
            }
        }
    }

    /** Waits for the NOTIFY (which may also have come before the 200). */
    private void awaitNotify(DatagramSocket socket) throws IOException, Failure {
        long stop = Math.min(start + to200 + options.notifyTimeoutMillis * 1_000_000L, deadline);
        while (notify == null) {
            long now = System.nanoTime();
            if (now >= stop) {
                throw new Failure(stop == deadline ? "deadline" : "no NOTIFY",
                        "200 after " + ms(to200) + " ms, no NOTIFY within " + ms(now - start - to200) + " ms after it");
            }
            Received r = receive(socket, stop - now);
            if (r != null && r.message().isRequest()) {
                request(socket, r);
            }
        }
    }

    /** Answers a request to the phone: NOTIFY 200 (the first one kept), OPTIONS 200, anything else 405. */
    private void request(DatagramSocket socket, Received r) throws IOException {
        SipMessage m = r.message();
        switch (m.method()) {
            case "NOTIFY" -> {
                notifies++;
                if (notify == null) {
                    notify = m;
                    toNotify = r.time() - start;
                    notifyFrom = Sip.host(r.from().getAddress()) + ":" + r.from().getPort();
                }
                respond(socket, m, r.from(), 200, "OK");
            }
            case "OPTIONS" -> respond(socket, m, r.from(), 200, "OK");
            case "ACK" -> {
                // never answered
            }
            default -> respond(socket, m, r.from(), 405, "Method Not Allowed");
        }
    }

    private void respond(DatagramSocket socket, SipMessage request, InetSocketAddress from, int status,
            String reason) throws IOException {
        byte[] answer = Sip.response(request, status, reason, toTag);
        socket.send(new DatagramPacket(answer, answer.length, Sip.responseTarget(request, from)));
    }

    record Received(SipMessage message, InetSocketAddress from, long time) {
    }

    /** One parsed datagram within the wait, or null when the wait ended; unparseable datagrams are skipped. */
    static Received receive(DatagramSocket socket, long waitNanos) throws IOException {
        long until = System.nanoTime() + waitNanos;
        byte[] buf = BUFFER.get();
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, (left + 999_999) / 1_000_000));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            long t = System.nanoTime();
            try {
                return new Received(SipMessage.parse(buf, 0, p.getLength()), (InetSocketAddress) p.getSocketAddress(),
                        t);
            } catch (IllegalArgumentException e) {
                // not SIP, or broken: a phone ignores it
            }
        }
    }

    /** Answers what arrived meanwhile (NOTIFY retransmissions) without waiting. */
    private void drain(DatagramChannel channel) throws IOException {
        channel.configureBlocking(false);
        try {
            ByteBuffer b = ByteBuffer.wrap(BUFFER.get());
            for (int n = 0; n < 100; n++) {
                b.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(b);
                if (from == null) {
                    return;
                }
                SipMessage m;
                try {
                    m = SipMessage.parse(b.array(), 0, b.position());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (m.isRequest()) {
                    byte[] answer = m.method().equals("ACK") ? null
                            : Sip.response(m, m.method().equals("NOTIFY") || m.method().equals("OPTIONS") ? 200 : 405,
                                    m.method().equals("NOTIFY") || m.method().equals("OPTIONS") ? "OK"
                                            : "Method Not Allowed", toTag);
                    if (answer != null) {
                        channel.send(ByteBuffer.wrap(answer), Sip.responseTarget(m, from));
                    }
                    if (m.method().equals("NOTIFY")) {
                        notifies++;
                    }
                }
            }
        } finally {
            channel.configureBlocking(true);
        }
    }

    private static void check(SipMessage notify, String url) throws Failure {
        if (!notify.eventPackage().equals("ua-profile")) {
            throw new Failure("bad NOTIFY", "NOTIFY Event '" + notify.header("event") + "', not ua-profile");
        }
        if (!notify.contentType().equals("application/url")) {
            throw new Failure("bad NOTIFY", "NOTIFY Content-Type '" + notify.header("content-type")
                    + "', not application/url");
        }
        if (url.isEmpty()) {
            throw new Failure("NOTIFY without URL", "NOTIFY body carries no URL");
        }
    }

    /** The file names come from the NOTIFY's URL or the file list: only the last path segment is used. */
    static void save(java.nio.file.Path dir, List<Downloader.Fetched> files) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        for (Downloader.Fetched f : files) {
            String name = f.name().substring(f.name().lastIndexOf('/') + 1);
            java.nio.file.Files.write(dir.resolve(name.isEmpty() || name.startsWith(".") ? "_" : name), f.content());
        }
    }

    private List<Downloader.Fetched> fetch(Downloader d, String url) throws Failure {
        if (System.nanoTime() >= deadline) {
            throw new Failure("deadline", "overall deadline reached before downloading");
        }
        return d.fetch(url, mac, options.model(), deadline);
    }

    private static void compare(int n, List<Downloader.Fetched> first, List<Downloader.Fetched> again)
            throws Failure {
        if (first.size() != again.size()) {
            throw new Failure("download differs", "download " + n + " got " + again.size() + " files, the first "
                    + first.size());
        }
        for (int i = 0; i < first.size(); i++) {
            Downloader.Fetched a = first.get(i);
            Downloader.Fetched b = again.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.content(), b.content())) {
                throw new Failure("download differs", "download " + n + ": " + b.name() + " (" + b.content().length
                        + " bytes) differs from the first " + a.name() + " (" + a.content().length + " bytes)");
            }
        }
    }

    private static String shownUrl(String url) {
        try {
            return Downloader.shown(new java.net.URI(url));
        } catch (java.net.URISyntaxException e) {
            return url;
        }
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
