package pnp.http.internal;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import pnp.api.MacAddress;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles;

/** A file store with one token and a couple of files; records what the server reported. */
final class FakeFiles implements ProvisioningFiles {

    static final String TOKEN = "Tok3n_0123456789-abcdef";
    static final Instant MODIFIED = Instant.parse("2026-02-03T04:05:06Z");

    /** One delivery reported through {@link #downloaded}. */
    record Download(String name, InetAddress requester, String protocol, String userAgent) {
    }

    final List<Download> downloads = new CopyOnWriteArrayList<>();
    /** Every delivery ever reported, also those {@code downloads.clear()} dropped. */
    final java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
    final List<String> lookups = new CopyOnWriteArrayList<>();
    /** What {@link #refusalScheme()} answers. */
    volatile String refusalScheme = "off";
    private final Map<String, Found> files;

    FakeFiles() {
        this(Map.of(
                "cfg000b82273b89.xml", found(ProvisioningFile.phone("cfg000b82273b89.xml",
                        xml().getBytes(StandardCharsets.UTF_8), "application/xml", "cfg.xml"), "\"abc123\""),
                "cfg000b82273b89", found(ProvisioningFile.phone("cfg000b82273b89",
                        new byte[] { 0, 1, 2, (byte) 0xff, 0x0d, 0x0a }, "application/octet-stream"), "\"bin456\"")));
    }

    /** Basic credentials of {@code basic.xml} in {@link #withCredentials()}. */
    static final ProvisioningFiles.Credentials BASIC = new ProvisioningFiles.Credentials("basic", "gs_000b82273b89",
            "pa:ss w\u00f6rd");
    /** Digest credentials of {@code digest.xml} in {@link #withCredentials()}. */
    static final ProvisioningFiles.Credentials DIGEST = new ProvisioningFiles.Credentials("digest",
            "gs_000b82273b89", "Dig3st-s3cret");

    /** The usual two files plus {@code basic.xml} and {@code digest.xml}, which need credentials. */
    static FakeFiles withCredentials() {
        return new FakeFiles(Map.of(
                "cfg000b82273b89.xml", found(ProvisioningFile.phone("cfg000b82273b89.xml",
                        xml().getBytes(StandardCharsets.UTF_8), "application/xml", "cfg.xml"), "\"abc123\""),
                "basic.xml", found(ProvisioningFile.phone("basic.xml", xml().getBytes(StandardCharsets.UTF_8),
                        "application/xml"), "\"basic1\"", BASIC),
                "digest.xml", found(ProvisioningFile.phone("digest.xml", xml().getBytes(StandardCharsets.UTF_8),
                        "application/xml"), "\"digest1\"", DIGEST)));
    }

    FakeFiles(Map<String, Found> files) {
        this.files = files;
    }

    static Found found(ProvisioningFile f, String etag) {
        return new Found(MacAddress.parse("000b82273b89").orElseThrow(), f, etag, MODIFIED);
    }

    static Found found(ProvisioningFile f, String etag, ProvisioningFiles.Credentials credentials) {
        return new Found(MacAddress.parse("000b82273b89").orElseThrow(), f, etag, MODIFIED, credentials);
    }

    /**
     * Polls until the condition holds, 10 s at most, counted in time: the server reports a download after
     * the response is written, and on a loaded machine that can take a while.
     */
    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(20);
        }
    }

    static String xml() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><gs_provision version=\"1\"><config version=\"1\">"
                + "<P271>1</P271><P34>secret</P34></config></gs_provision>\n";
    }

    @Override
    public Lookup lookup(String token, String name, InetAddress requester, String protocol) {
        lookups.add(token + "/" + name + " " + protocol);
        if (!TOKEN.equals(token)) {
            return new NotFound("no phone has this token");
        }
        for (Found f : files.values()) {
            if (f.file().answersTo(name)) {
                return f;
            }
        }
        return new NotFound("no file " + name);
    }

    @Override
    public String refusalScheme() {
        return refusalScheme;
    }

    @Override
    public void downloaded(Found file, InetAddress requester, String protocol, String userAgent) {
        downloads.add(new Download(file.file().name(), requester, protocol, userAgent));
        delivered.incrementAndGet();
    }
}
