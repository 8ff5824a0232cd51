package pnp.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 over a plain socket, for request targets that a real client would normalise. */
final class RawHttp {

    /**
     * A parsed answer.
     *
     * @param status the status code
     * @param headers header names in lower case (last wins)
     * @param body everything after the header block
     * @param all every header value in order, by lower-case name
     */
    record Answer(int status, Map<String, String> headers, byte[] body, Map<String, List<String>> all) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        List<String> values(String name) {
            return all.getOrDefault(name, List.of());
        }
    }

    private RawHttp() {
    }

    /** Sends {@code METHOD target HTTP/1.1} with {@code Connection: close} and reads until EOF (20 s bound). */
    static Answer send(int port, String method, String target, String... extraHeaders) throws IOException {
        StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : extraHeaders) {
            req.append(h).append("\r\n");
        }
        req.append("\r\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 20_000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return parse(in.readAllBytes());
        }
    }

    private static Answer parse(byte[] raw) throws IOException {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete answer: " + all);
        }
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> multi = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            headers.put(name, value);
            multi.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new Answer(status, headers, Arrays.copyOfRange(raw, end + 4, raw.length), multi);
    }
}
