package pnp.simulator;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A provisioned phone that stays up (option {@code --resident}) and reacts to a resync NOTIFY (any
 * Event but {@code ua-profile}) the way its vendor's phones do, as chosen by {@code --resync}:
 * <ul>
 * <li>{@link Behaviour#ACCEPT}: answers 200, then downloads again from the config server path written
 * in its file, with the HTTP credentials written there;</li>
 * <li>{@link Behaviour#CHALLENGE}: answers 401 with a Digest challenge; a NOTIFY that answers it with
 * the SIP account's credentials from its file gets 200 and the download, a wrong one another 401;</li>
 * <li>{@link Behaviour#IGNORE}: sends nothing back;</li>
 * <li>{@link Behaviour#ACCEPT_ONLY}: answers 200 and does nothing, as the phones that servers' users
 * complain about do.</li>
 * </ul>
 * With {@code --save-files}, the files of the latest download after a resync are kept beside the first
 * ones, in {@code <mac>/resync/}.
 * A retransmission of a NOTIFY already accepted gets its 200 again, without a second download. Runs on
 * the phone's own thread until {@code until}.
 */
final class Resident {

    /** How a phone reacts to a resync NOTIFY. */
    enum Behaviour {
        ACCEPT, CHALLENGE, IGNORE, ACCEPT_ONLY;

        static Behaviour of(String id) {
            for (Behaviour b : values()) {
                if (b.id().equalsIgnoreCase(id.strip())) {
                    return b;
                }
            }
            throw new IllegalArgumentException("--resync takes accept, challenge, ignore or accept-only: " + id);
        }

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * What a resident phone did.
     *
     * @param behaviour its behaviour, empty when it was not resident
     * @param resyncs resync NOTIFYs received (retransmissions included)
     * @param challenged 401s sent
     * @param accepted 200s sent to resync NOTIFYs (a retransmission's included)
     * @param downloads downloads after an accepted resync
     * @param changed how many of those brought files different from the ones before
     * @param event the Event header of the last resync NOTIFY, empty when none came
     * @param failure why the last download after a resync failed, empty when none did
     */
    record Outcome(String behaviour, int resyncs, int challenged, int accepted, int downloads, int changed,
            String event, String failure) {
        static final Outcome NONE = new Outcome("", 0, 0, 0, 0, 0, "", "");
    }

    static final String REALM = "pnp-phones";

    private final Options options;
    private final Behaviour behaviour;
    private final Downloader downloader;
    private final String mac;
    private final String notifyUrl;
    private final String toTag;
    private final Set<String> nonces = ConcurrentHashMap.newKeySet();
    private List<Downloader.Fetched> current;
    private PhoneFile file;
    private String lastAccepted = "";
    private int resyncs;
    private int challenged;
    private int accepted;
    private int downloads;
    private int changed;
    private String event = "";
    private String failure = "";

    Resident(Options options, Behaviour behaviour, Downloader downloader, String mac, String notifyUrl,
            List<Downloader.Fetched> provisioned, String toTag) {
        this.options = options;
        this.behaviour = behaviour;
        this.downloader = downloader;
        this.mac = mac;
        this.notifyUrl = notifyUrl;
        this.toTag = toTag;
        this.current = provisioned;
        this.file = PhoneFile.read(options.vendor, provisioned);
    }

    /** Serves requests until {@code until} ({@link System#nanoTime()}); a broken socket ends it early. */
    Outcome run(DatagramSocket socket, long until) throws IOException {
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Phone.Received r = Phone.receive(socket, left);
            if (r != null && r.message().isRequest()) {
                request(socket, r.message(), r.from(), until);
            }
        }
        return outcome();
    }

    Outcome outcome() {
        return new Outcome(behaviour.id(), resyncs, challenged, accepted, downloads, changed, event, failure);
    }

    private void request(DatagramSocket socket, SipMessage m, InetSocketAddress from, long until) throws IOException {
        switch (m.method()) {
            case "NOTIFY" -> {
                if (m.eventPackage().equals("ua-profile")) {
                    respond(socket, m, from, 200, "OK", null);
                } else {
                    resync(socket, m, from, until);
                }
            }
            case "OPTIONS" -> respond(socket, m, from, 200, "OK", null);
            case "ACK" -> {
                // never answered
            }
            default -> respond(socket, m, from, 405, "Method Not Allowed", null);
        }
    }

    private void resync(DatagramSocket socket, SipMessage m, InetSocketAddress from, long until) throws IOException {
        resyncs++;
        event = m.header("event") == null ? "" : m.header("event");
        String key = m.header("call-id") + " " + m.header("cseq");
        if (key.equals(lastAccepted)) {
            accepted++;
            respond(socket, m, from, 200, "OK", null); // a retransmission: our 200 got lost
            return;
        }
        switch (behaviour) {
            case IGNORE -> {
                // a phone that does not listen to resyncs
            }
            case CHALLENGE -> {
                if (authorized(m)) {
                    accept(socket, m, from, until);
                } else {
                    challenged++;
                    String nonce = Sip.token(24);
                    nonces.add(nonce);
                    respond(socket, m, from, 401, "Unauthorized",
                            "WWW-Authenticate: Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\", algorithm=MD5");
                }
            }
            case ACCEPT -> accept(socket, m, from, until);
            case ACCEPT_ONLY -> {
                accepted++;
                lastAccepted = key;
                respond(socket, m, from, 200, "OK", null);
            }
        }
    }

    private void accept(DatagramSocket socket, SipMessage m, InetSocketAddress from, long until) throws IOException {
        accepted++;
        lastAccepted = m.header("call-id") + " " + m.header("cseq");
        respond(socket, m, from, 200, "OK", null);
        String url = file.downloadUrl(notifyUrl);
        try {
            List<Downloader.Fetched> again = downloader.fetch(url, mac, options.model(), until);
            downloads++;
            if (!same(current, again)) {
                changed++;
            }
            current = again;
            file = PhoneFile.read(options.vendor, again);
            failure = "";
            if (options.saveFiles != null) {
                Phone.save(options.saveFiles.resolve(mac).resolve("resync"), again);
            }
        } catch (Failure f) {
            failure = f.category() + ": " + f.detail();
        }
    }

    /** Whether the NOTIFY answers one of our challenges with the digest of the account in the file. */
    boolean authorized(SipMessage m) {
        String header = m.header("authorization");
        if (header == null || !header.regionMatches(true, 0, "Digest ", 0, 7) || file.sipPassword().isEmpty()) {
            return false;
        }
        String params = header.substring(7);
        String user = value(params, "username");
        String realm = value(params, "realm");
        String nonce = value(params, "nonce");
        String uri = value(params, "uri");
        String response = value(params, "response");
        if (user == null || nonce == null || uri == null || response == null || !REALM.equals(realm)
                || !nonces.contains(nonce) || !user.equals(file.authId())) {
            return false;
        }
        String ha1 = md5(user + ":" + realm + ":" + file.sipPassword());
        String ha2 = md5("NOTIFY:" + uri);
        String qop = value(params, "qop");
        String expected = qop == null ? md5(ha1 + ":" + nonce + ":" + ha2)
                : md5(ha1 + ":" + nonce + ":" + value(params, "nc") + ":" + value(params, "cnonce") + ":" + qop + ":" + ha2);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** A parameter of a Digest header, unquoted; null when absent. */
    static String value(String params, String name) {
        for (String part : params.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(name)) {
                return SipMessage.unquote(part.substring(eq + 1).strip());
            }
        }
        return null;
    }

    private void respond(DatagramSocket socket, SipMessage request, InetSocketAddress from, int status, String reason,
            String extraHeader) throws IOException {
        byte[] answer = Sip.response(request, status, reason, toTag);
        if (extraHeader != null) {
            String text = new String(answer, StandardCharsets.UTF_8);
            answer = text.replace("Content-Length: 0\r\n", extraHeader + "\r\nContent-Length: 0\r\n")
                    .getBytes(StandardCharsets.UTF_8);
        }
        socket.send(new DatagramPacket(answer, answer.length, Sip.responseTarget(request, from)));
    }

    private static boolean same(List<Downloader.Fetched> a, List<Downloader.Fetched> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).name().equals(b.get(i).name()) || !Arrays.equals(a.get(i).content(), b.get(i).content())) {
                return false;
            }
        }
        return true;
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
