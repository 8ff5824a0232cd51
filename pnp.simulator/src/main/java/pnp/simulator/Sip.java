package pnp.simulator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** Builds the messages a phone sends: its PnP SUBSCRIBE and the 200 OK to a NOTIFY. */
final class Sip {

    private Sip() {
    }

    /** What one phone's SUBSCRIBE says. */
    record Subscribe(Vendor vendor, String mac, String model, String firmware, InetSocketAddress local,
            InetSocketAddress target, boolean multicast, String branch, String fromTag, String callId) {

        static Subscribe of(Vendor vendor, String mac, String model, String firmware, InetSocketAddress local,
                InetSocketAddress target, boolean multicast) {
            return new Subscribe(vendor, mac, model, firmware, local, target, multicast,
                    "z9hG4bK" + token(16), token(10), token(20) + "@" + host(local.getAddress()));
        }
    }

    /** The SUBSCRIBE, byte for byte the same on every retransmission. */
    static byte[] subscribe(Subscribe s) {
        String targetHost = host(s.target().getAddress());
        // phones send to the group without a port in the URI; unicast names the server's port
        String uriHost = s.multicast() && s.target().getPort() == 5060 ? targetHost
                : targetHost + ":" + s.target().getPort();
        String user = s.vendor().uriUser(s.mac());
        String at = user.isEmpty() ? "" : user + "@";
        String local = host(s.local().getAddress()) + ":" + s.local().getPort();
        StringBuilder b = new StringBuilder(640);
        b.append("SUBSCRIBE sip:").append(at).append(uriHost).append(" SIP/2.0\r\n");
        b.append("Via: SIP/2.0/UDP ").append(local).append(";branch=").append(s.branch()).append(";rport\r\n");
        b.append("From: <sip:").append(at).append(targetHost).append(">;tag=").append(s.fromTag()).append("\r\n");
        b.append("To: <sip:").append(at).append(targetHost).append(">\r\n");
        b.append("Call-ID: ").append(s.callId()).append("\r\n");
        b.append("CSeq: 1 SUBSCRIBE\r\n");
        b.append("Contact: <sip:").append(at).append(local).append(">\r\n");
        for (String h : s.vendor().extraHeaders()) {
            b.append(h).append("\r\n");
        }
        b.append("Max-Forwards: 70\r\n");
        b.append("User-Agent: ").append(s.vendor().userAgent(s.model(), s.firmware())).append("\r\n");
        b.append("Expires: 0\r\n");
        b.append("Event: ").append(s.vendor().eventHeader(s.model(), s.firmware())).append("\r\n");
        b.append("Accept: application/url\r\n");
        b.append("Allow: INVITE, ACK, OPTIONS, CANCEL, BYE, SUBSCRIBE, NOTIFY, INFO, REFER, UPDATE, MESSAGE\r\n");
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A response to a received request: Via, From, Call-ID and CSeq copied, To copied with a tag added
     * when it has none, no body.
     */
    static byte[] response(SipMessage request, int status, String reason, String toTag) {
        StringBuilder b = new StringBuilder(512);
        b.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String via : request.all("via")) {
            b.append("Via: ").append(via).append("\r\n");
        }
        b.append("From: ").append(nullToEmpty(request.header("from"))).append("\r\n");
        String to = nullToEmpty(request.header("to"));
        if (SipMessage.parameter(to, "tag") == null && status > 100) {
            to = to + ";tag=" + toTag;
        }
        b.append("To: ").append(to).append("\r\n");
        b.append("Call-ID: ").append(nullToEmpty(request.header("call-id"))).append("\r\n");
        b.append("CSeq: ").append(nullToEmpty(request.header("cseq"))).append("\r\n");
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Where a response to this request goes (RFC 3261 18.2.2, RFC 3581): the top Via's {@code received}
     * address or else its host, its {@code rport} value or else its port (5060 when none). Falls back to
     * the datagram's source when the Via cannot be read or resolved.
     */
    static InetSocketAddress responseTarget(SipMessage request, InetSocketAddress source) {
        List<String> vias = request.all("via");
        if (vias.isEmpty()) {
            return source;
        }
        String top = vias.get(0);
        int comma = top.indexOf(',');
        if (comma >= 0) {
            top = top.substring(0, comma);
        }
        try {
            String[] params = top.split(";");
            String sentBy = params[0].strip();
            int sp = sentBy.lastIndexOf(' ');
            if (sp < 0 || !sentBy.substring(0, sp).strip().toUpperCase(Locale.ROOT).startsWith("SIP/2.0/UDP")) {
                return source;
            }
            String hostPort = sentBy.substring(sp + 1).strip();
            String host;
            int port = 5060;
            if (hostPort.startsWith("[")) {
                int end = hostPort.indexOf(']');
                host = hostPort.substring(1, end);
                if (end + 1 < hostPort.length() && hostPort.charAt(end + 1) == ':') {
                    port = Integer.parseInt(hostPort.substring(end + 2));
                }
            } else {
                int colon = hostPort.indexOf(':');
                host = colon < 0 ? hostPort : hostPort.substring(0, colon);
                if (colon >= 0) {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                }
            }
            for (int i = 1; i < params.length; i++) {
                String p = params[i].strip();
                int eq = p.indexOf('=');
                String k = (eq < 0 ? p : p.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                String v = eq < 0 ? "" : p.substring(eq + 1).strip();
                if (k.equals("received") && !v.isEmpty()) {
                    host = v;
                } else if (k.equals("rport") && !v.isEmpty()) {
                    port = Integer.parseInt(v);
                }
            }
            if (!isLiteralAddress(host)) {
                return source; // no name lookups on the way of a phone's answer
            }
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (RuntimeException | java.net.UnknownHostException e) {
            return source;
        }
    }

    private static boolean isLiteralAddress(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3 && !host.startsWith(".") && !host.endsWith(".") && !host.contains("..");
    }

    /** An address as written in SIP: IPv6 in brackets. */
    static String host(InetAddress a) {
        String s = a.getHostAddress();
        return s.contains(":") ? "[" + s + "]" : s;
    }

    static String token(int length) {
        final String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
        }
        return new String(c);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
