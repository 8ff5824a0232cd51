package pnp.simulator;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A small HTTP/1.1 GET client on a socket bound to the phone's own local address (which
 * {@code java.net.http} cannot do): one request per connection ({@code Connection: close}), as a
 * booting phone does; bodies framed by Content-Length, chunked transfer coding or the end of the
 * connection; interim 1xx answers skipped; HTTPS with certificate and host name checks, or without
 * them ({@code insecure}) for the self-signed certificate of a provisioning server. User information
 * in the URL is sent as Basic credentials, or as Digest (RFC 7616, MD5, qop=auth) when the server
 * challenges for it. Every wait is bounded by the caller's deadline; the body by {@code maxBytes}.
 */
final class HttpGet {

    /** A response: status, reason, headers (lower-case names; repeated ones joined by ", ") and body. */
    record Response(int status, String reason, Map<String, String> headers, byte[] body) {
    }

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;

    private final InetAddress local;
    private final boolean insecure;
    private final long maxBytes;
    private final String userAgent;

    /**
     * @param local the phone's own address, null for any
     * @param insecure accept any server certificate and host name (self-signed provisioning servers)
     * @param maxBytes the largest body accepted
     */
    HttpGet(InetAddress local, boolean insecure, long maxBytes, String userAgent) {
        this.local = local;
        this.insecure = insecure;
        this.maxBytes = maxBytes;
        this.userAgent = userAgent;
    }

    /** GETs the URL, answering one Digest challenge when the URL carries credentials. */
    Response get(URI uri, long deadlineNanos) throws IOException {
        String[] credentials = credentials(uri);
        String authorization = credentials == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(
                        (credentials[0] + ":" + credentials[1]).getBytes(StandardCharsets.UTF_8));
        Response r = once(uri, authorization, deadlineNanos);
        if (r.status() == 401 && credentials != null) {
            String challenge = r.headers().getOrDefault("www-authenticate", "");
            if (challenge.regionMatches(true, 0, "Digest ", 0, 7)) {
                r = once(uri, digest(challenge, credentials, target(uri)), deadlineNanos);
            }
        }
        return r;
    }

    private Response once(URI uri, String authorization, long deadlineNanos) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        if (!tls && !scheme.equals("http")) {
            throw new IOException("not an http(s) URL: " + uri);
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IOException("no host in " + uri);
        }
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            if (local != null) {
                socket.bind(new InetSocketAddress(local, 0));
            }
            socket.connect(new InetSocketAddress(InetAddress.getByName(bareHost), port), remaining(deadlineNanos));
            Socket s = socket;
            if (tls) {
                SSLSocket ssl = (SSLSocket) tlsFactory(insecure).createSocket(socket, bareHost, port, true);
                SSLParameters p = ssl.getSSLParameters();
                if (!insecure) {
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                }
                if (!Character.isDigit(bareHost.charAt(0)) && !bareHost.contains(":")) {
                    p.setServerNames(List.of(new SNIHostName(bareHost)));
                }
                ssl.setSSLParameters(p);
                ssl.setSoTimeout(remaining(deadlineNanos));
                ssl.startHandshake();
                s = ssl;
            }
            StringBuilder req = new StringBuilder(256);
            req.append("GET ").append(target(uri)).append(" HTTP/1.1\r\n");
            req.append("Host: ").append(host).append(uri.getPort() > 0 && uri.getPort() != (tls ? 443 : 80)
                    ? ":" + uri.getPort() : "").append("\r\n");
            req.append("User-Agent: ").append(userAgent).append("\r\n");
            req.append("Accept: */*\r\n");
            if (authorization != null) {
                req.append("Authorization: ").append(authorization).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Response r = read(s, deadlineNanos);
            awaitClose(s, deadlineNanos);
            return r;
        } finally {
            socket.close();
        }
    }

    /** Reads one response (after any 1xx) from the socket. */
    Response read(Socket s, long deadlineNanos) throws IOException {
        InputStream in = new DeadlineInput(s, deadlineNanos);
        return read(in, maxBytes);
    }

    /** Reads one response (after any 1xx) from a stream; visible for tests. */
    static Response read(InputStream in, long maxBytes) throws IOException {
        while (true) {
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("bad status line: " + printable(statusLine));
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("bad status line: " + printable(statusLine));
            }
            Map<String, String> headers = new HashMap<>();
            String previous = null;
            for (int n = 0;; n++) {
                if (n > MAX_HEADERS) {
                    throw new IOException("too many header lines");
                }
                String h = line(in);
                if (h.isEmpty()) {
                    break;
                }
                if ((h.charAt(0) == ' ' || h.charAt(0) == '\t') && previous != null) {
                    headers.put(previous, headers.get(previous) + " " + h.strip());
                    continue;
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("bad header line: " + printable(h));
                }
                String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).strip();
                headers.merge(name, value, (a, b) -> a + ", " + b);
                previous = name;
            }
            if (status >= 100 && status < 200) {
                continue; // 100 Continue, 103 Early Hints: the answer follows
            }
            byte[] body;
            if (status == 204 || status == 304) {
                body = new byte[0];
            } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
                body = chunked(in, maxBytes);
            } else if (headers.containsKey("content-length")) {
                long length;
                try {
                    length = Long.parseLong(headers.get("content-length").split(",")[0].strip());
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length: " + printable(headers.get("content-length")));
                }
                if (length < 0 || length > maxBytes) {
                    throw new IOException("Content-Length " + length + " out of bounds (at most " + maxBytes + ")");
                }
                body = in.readNBytes((int) length);
                if (body.length < length) {
                    throw new EOFException("connection closed after " + body.length + " of " + length + " bytes");
                }
            } else {
                body = untilEnd(in, maxBytes);
            }
            return new Response(status, parts.length > 2 ? parts[2] : "", headers, body);
        }
    }

    private static byte[] chunked(InputStream in, long maxBytes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int semi = sizeLine.indexOf(';');
            String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + printable(sizeLine));
            }
            if (size < 0 || body.size() + size > maxBytes) {
                throw new IOException("chunked body larger than " + maxBytes + " bytes");
            }
            if (size == 0) {
                for (int n = 0; !line(in).isEmpty(); n++) { // trailer fields
                    if (n > MAX_HEADERS) {
                        throw new IOException("too many trailer lines");
                    }
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("connection closed inside a chunk");
            }
            body.write(chunk);
            if (!line(in).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private static byte[] untilEnd(InputStream in, long maxBytes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (body.size() + n > maxBytes) {
                throw new IOException("body larger than " + maxBytes + " bytes");
            }
            body.write(buf, 0, n);
        }
        return body.toByteArray();
    }

    /** A line without its CRLF (or LF), ISO-8859-1; EOF before any byte is an error. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException(b.length() == 0 ? "connection closed before the response"
                        : "connection closed inside a line");
            }
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') {
                    b.setLength(len - 1);
                }
                return b.toString();
            }
            if (b.length() >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            b.append((char) c);
        }
    }

    /**
     * Waits briefly for the server's close so that TIME_WAIT stays on the server's side and thousands
     * of phones sharing one address do not run out of ports.
     */
    private static void awaitClose(Socket s, long deadlineNanos) {
        try {
            s.setSoTimeout(Math.min(200, remaining(deadlineNanos)));
            s.getInputStream().read();
        } catch (IOException e) {
            // closed either way
        }
    }

    /** Path and query as sent in the request line. */
    static String target(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private static String[] credentials(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            return null;
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? info : info.substring(0, colon);
        String pass = colon < 0 ? "" : info.substring(colon + 1);
        return new String[] {URLDecoder.decode(user.replace("+", "%2B"), StandardCharsets.UTF_8),
                URLDecoder.decode(pass.replace("+", "%2B"), StandardCharsets.UTF_8)};
    }

    /** The Authorization value answering a Digest challenge (MD5, qop=auth when offered). */
    static String digest(String challenge, String[] credentials, String uri) {
        Map<String, String> p = challengeParameters(challenge.substring(7));
        String realm = p.getOrDefault("realm", "");
        String nonce = p.getOrDefault("nonce", "");
        String algorithm = p.getOrDefault("algorithm", "MD5");
        String cnonce = Sip.token(16);
        String ha1 = md5(credentials[0] + ":" + realm + ":" + credentials[1]);
        if (algorithm.equalsIgnoreCase("MD5-sess")) {
            ha1 = md5(ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = md5("GET:" + uri);
        boolean auth = false;
        for (String q : p.getOrDefault("qop", "").split(",")) {
            auth |= q.strip().equalsIgnoreCase("auth");
        }
        String nc = "00000001";
        String response = auth ? md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
                : md5(ha1 + ":" + nonce + ":" + ha2);
        StringBuilder b = new StringBuilder("Digest username=\"").append(credentials[0]).append("\", realm=\"")
                .append(realm).append("\", nonce=\"").append(nonce).append("\", uri=\"").append(uri)
                .append("\", response=\"").append(response).append('"');
        if (!algorithm.isEmpty()) {
            b.append(", algorithm=").append(algorithm);
        }
        if (p.containsKey("opaque")) {
            b.append(", opaque=\"").append(p.get("opaque")).append('"');
        }
        if (auth) {
            b.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
        }
        return b.toString();
    }

    static Map<String, String> challengeParameters(String s) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < n && s.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    v.append(s.charAt(i++));
                }
                i++;
                value = v.toString();
            } else {
                int end = s.indexOf(',', i);
                if (end < 0) {
                    end = n;
                }
                value = s.substring(i, end).strip();
                i = end;
            }
            out.put(key, value);
        }
        return out;
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    static int remaining(long deadlineNanos) throws SocketTimeoutException {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("timed out");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static volatile SSLSocketFactory insecureFactory;

    private static SSLSocketFactory tlsFactory(boolean insecure) throws IOException {
        try {
            if (!insecure) {
                return SSLContext.getDefault().getSocketFactory();
            }
            SSLSocketFactory f = insecureFactory;
            if (f == null) {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new TrustEverything()}, null);
                f = ctx.getSocketFactory();
                insecureFactory = f;
            }
            return f;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available: " + e, e);
        }
    }

    /** For {@code --insecure}: accepts the self-signed certificate of a provisioning server. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** A buffered socket input whose every read waits at most until the deadline. */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadlineNanos;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int end;

        DeadlineInput(Socket socket, long deadlineNanos) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadlineNanos = deadlineNanos;
        }

        private boolean fill() throws IOException {
            socket.setSoTimeout(remaining(deadlineNanos));
            int n = in.read(buf);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            end = n;
            return true;
        }

        @Override
        public int read() throws IOException {
            if (pos >= end && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos >= end && !fill()) {
                return -1;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
