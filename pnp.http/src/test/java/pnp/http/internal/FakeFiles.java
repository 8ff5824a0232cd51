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
    final List<String> lookups = new CopyOnWriteArrayList<>();
    private final Map<String, Found> files;

    FakeFiles() {
        this(Map.of(
                "cfg000b82273b89.xml", found(ProvisioningFile.phone("cfg000b82273b89.xml",
                        xml().getBytes(StandardCharsets.UTF_8), "application/xml", "cfg.xml"), "\"abc123\""),
                "cfg000b82273b89", found(ProvisioningFile.phone("cfg000b82273b89",
                        new byte[] { 0, 1, 2, (byte) 0xff, 0x0d, 0x0a }, "application/octet-stream"), "\"bin456\"")));
    }

    FakeFiles(Map<String, Found> files) {
        this.files = files;
    }

    static Found found(ProvisioningFile f, String etag) {
        return new Found(MacAddress.parse("000b82273b89").orElseThrow(), f, etag, MODIFIED);
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
    public void downloaded(Found file, InetAddress requester, String protocol, String userAgent) {
        downloads.add(new Download(file.file().name(), requester, protocol, userAgent));
    }
}
