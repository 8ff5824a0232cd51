package pnp.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import javax.net.ServerSocketFactory;

/**
 * A tiny HTTP server on loopback for the tests: reads one request head per connection, hands it to a
 * function returning the raw response bytes, writes them and closes. Records every request.
 */
final class TestHttpServer implements AutoCloseable {

    /** A request as received: request line, headers (lower-case names), the client's address. */
    record Request(String method, String target, Map<String, String> headers, InetAddress client) {
    }

    private final ServerSocket server;
    private final Function<Request, byte[]> handler;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    TestHttpServer(Function<Request, byte[]> handler) throws IOException {
        this(ServerSocketFactory.getDefault(), handler);
    }

    TestHttpServer(ServerSocketFactory factory, Function<Request, byte[]> handler) throws IOException {
        this.server = factory.createServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        this.handler = handler;
        this.acceptor = new Thread(this::accept, "test-http");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "test-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            String line = line(in);
            String[] parts = line.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            Request r = new Request(parts[0], parts[1], headers, s.getInetAddress());
            requests.add(r);
            byte[] response = handler.apply(r);
            if (response != null) {
                OutputStream out = s.getOutputStream();
                out.write(response);
                out.flush();
            }
        } catch (IOException e) {
            // the test sees it on the client's side
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A complete response with Content-Length. */
    static byte[] ok(byte[] body) {
        return response(200, "OK", body);
    }

    static byte[] response(int status, String reason, byte[] body) {
        byte[] head = ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
