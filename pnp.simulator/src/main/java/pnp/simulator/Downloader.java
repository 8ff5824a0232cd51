package pnp.simulator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fetches what a NOTIFY's URL points at, as the phone would: a file URL is fetched as it is; a URL
 * naming only a server ({@code tftp://host[:port]}) or a folder (ending in {@code /}) gets the
 * vendor's file names for this phone ({@link FileSpec}), alternatives tried in order until one exists
 * (HTTP 404, TFTP error 1), optional files skipped when none exists.
 */
final class Downloader {

    /** One fetched file: the name it was fetched by and its bytes. */
    record Fetched(String name, byte[] content) {
    }

    private final HttpGet http;
    private final TftpGet tftp;
    private final FileSpec files;
    private final long perFileNanos;

    Downloader(HttpGet http, TftpGet tftp, FileSpec files, long perFileMillis) {
        this.http = http;
        this.tftp = tftp;
        this.files = files;
        this.perFileNanos = perFileMillis * 1_000_000L;
    }

    /**
     * @param deadlineNanos the phone's overall deadline; each file also gets at most the per-file timeout
     * @throws Failure with the category the summary counts
     */
    List<Fetched> fetch(String url, String mac, String model, long deadlineNanos) throws Failure {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Failure("bad NOTIFY URL", "NOTIFY URL not understood: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw new Failure("bad NOTIFY URL", "no host in NOTIFY URL " + url);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        List<FileSpec.Slot> slots;
        String prefix;
        if (path.isEmpty() || path.endsWith("/")) {
            slots = files.expand(mac, model);
            prefix = path.startsWith("/") ? path.substring(1) : path;
        } else {
            int slash = path.lastIndexOf('/');
            slots = List.of(new FileSpec.Slot(List.of(path.substring(slash + 1)), false));
            prefix = path.substring(path.startsWith("/") ? 1 : 0, slash + 1);
        }
        List<Fetched> out = new ArrayList<>(slots.size());
        switch (scheme) {
            case "http", "https" -> {
                for (FileSpec.Slot slot : slots) {
                    Fetched f = httpSlot(uri, path, slot, deadlineNanos);
                    if (f != null) {
                        out.add(f);
                    }
                }
            }
            case "tftp" -> {
                InetSocketAddress server;
                try {
                    server = new InetSocketAddress(InetAddress.getByName(bare(uri.getHost())),
                            uri.getPort() > 0 ? uri.getPort() : 69);
                } catch (UnknownHostException e) {
                    throw new Failure("TFTP error", "unknown host in " + url);
                }
                for (FileSpec.Slot slot : slots) {
                    Fetched f = tftpSlot(server, prefix, slot, deadlineNanos);
                    if (f != null) {
                        out.add(f);
                    }
                }
            }
            default -> throw new Failure("bad NOTIFY URL", "unsupported scheme in NOTIFY URL " + url);
        }
        return out;
    }

    private Fetched httpSlot(URI base, String path, FileSpec.Slot slot, long deadlineNanos) throws Failure {
        boolean folder = path.isEmpty() || path.endsWith("/");
        URI folderUri = folder && path.isEmpty() ? base.resolve("/") : base;
        Failure notFound = null;
        for (String name : slot.names()) {
            URI u = folder ? folderUri.resolve(name) : base;
            long deadline = Math.min(deadlineNanos, System.nanoTime() + perFileNanos);
            HttpGet.Response r;
            try {
                r = http.get(u, deadline);
            } catch (ConnectException e) {
                throw new Failure("HTTP connect failed", "HTTP " + shown(u) + ": " + e.getMessage());
            } catch (SocketTimeoutException e) {
                throw new Failure("HTTP timeout", "HTTP " + shown(u) + ": timed out");
            } catch (IOException e) {
                throw new Failure("HTTP error", "HTTP " + shown(u) + ": " + e);
            }
            if (r.status() == 200) {
                return new Fetched(name, r.body());
            }
            if (r.status() == 404 || r.status() == 410) {
                notFound = new Failure("HTTP " + r.status(), "HTTP " + r.status() + " for " + shown(u));
                continue;
            }
            throw new Failure("HTTP " + r.status(), "HTTP " + r.status() + " " + r.reason() + " for " + shown(u));
        }
        if (slot.optional()) {
            return null;
        }
        throw notFound;
    }

    private Fetched tftpSlot(InetSocketAddress server, String prefix, FileSpec.Slot slot, long deadlineNanos)
            throws Failure {
        Failure notFound = null;
        for (String name : slot.names()) {
            String file = prefix + name;
            long deadline = Math.min(deadlineNanos, System.nanoTime() + perFileNanos);
            try {
                return new Fetched(name, tftp.get(server, file, deadline));
            } catch (TftpGet.TftpException e) {
                if (e.code() == 1) {
                    notFound = new Failure("TFTP error 1", e.getMessage());
                    continue;
                }
                throw new Failure(e.code() < 0 ? "TFTP timeout" : "TFTP error " + e.code(), e.getMessage());
            } catch (IOException e) {
                throw new Failure("TFTP error", "TFTP " + file + ": " + e);
            }
        }
        if (slot.optional()) {
            return null;
        }
        throw notFound;
    }

    private static String bare(String host) {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** A URL for the results, without user information (a password). */
    static String shown(URI u) {
        if (u.getRawUserInfo() == null) {
            return u.toString();
        }
        return u.toString().replace(u.getRawUserInfo() + "@", "");
    }
}
