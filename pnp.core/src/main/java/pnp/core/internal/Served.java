package pnp.core.internal;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import pnp.api.MacAddress;
import pnp.api.ProvisioningFile;
import pnp.api.ProvisioningFiles.Credentials;
import pnp.api.ProvisioningFiles.Found;

/**
 * The files one phone is served, as published to the HTTP and TFTP servers. Immutable.
 *
 * @param mac the phone
 * @param token the secret path segment of its HTTP folder
 * @param files its files (phone and common)
 * @param subscriber the address its SUBSCRIBE came from, for servers that only answer that address
 * @param access its bootstrap, as the access rules need it
 */
record Served(MacAddress mac, String token, List<Kept> files, String subscriber, Bootstrap.Access access) {

    Served(MacAddress mac, String token, List<Kept> files, String subscriber) {
        this(mac, token, files, subscriber, Bootstrap.Access.UNRESTRICTED);
    }

    Served with(Bootstrap.Access newAccess) {
        return new Served(mac, token, files, subscriber, newAccess);
    }

    /**
     * One generated file as the inventory keeps it between render and download: deflated (a
     * configuration file shrinks five- to tenfold, which is most of the heap with ten thousand
     * phones) and inflated again for each download.
     *
     * @param shell the file's name, aliases, type and scope, without content
     */
    record Kept(MacAddress mac, ProvisioningFile shell, byte[] deflated, int length, String etag, Instant modified,
            Credentials credentials) {

        /*
         * One zlib stream per thread, reset for each file: a new one per file costs the allocation and
         * clearing of its ~260 KB of native state every time (a fifth to a third of the cost of deflating
         * a 9 KB configuration file, measured with C1).
         */
        private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED));
        private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);

        static Kept of(MacAddress mac, ProvisioningFile file, String etag, Instant modified, Credentials credentials) {
            ProvisioningFile shell = new ProvisioningFile(file.name(), file.aliases(), new byte[0], file.contentType(),
                    file.scope());
            return new Kept(mac, shell, deflate(file.contentBuffer()), file.length(), etag, modified, credentials);
        }

        /** The file as servers get it, content included. */
        Found found() {
            return found(credentials);
        }

        /** The file as servers get it, to be authenticated with {@code required} (null: served without). */
        Found found(Credentials required) {
            ProvisioningFile file = new ProvisioningFile(shell.name(), shell.aliases(), inflate(deflated, length),
                    shell.contentType(), shell.scope());
            return new Found(mac, file, etag, modified, required);
        }

        boolean answersTo(String requested) {
            return shell.answersTo(requested);
        }

        private static byte[] deflate(java.nio.ByteBuffer content) {
            Deflater d = DEFLATER.get();
            d.reset();
            d.setInput(content);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, content.remaining() / 4));
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        }

        private static byte[] inflate(byte[] deflated, int length) {
            Inflater i = INFLATER.get();
            i.reset();
            try {
                i.setInput(deflated);
                byte[] content = new byte[length];
                int n = 0;
                while (n < length && !i.finished()) {
                    int got = i.inflate(content, n, length - n);
                    if (got == 0 && (i.needsInput() || i.needsDictionary())) {
                        break;
                    }
                    n += got;
                }
                if (n != length) {
                    throw new IllegalStateException("kept file inflated to " + n + " of " + length + " bytes");
                }
                return content;
            } catch (DataFormatException e) {
                throw new IllegalStateException("kept file is corrupt: " + e.getMessage(), e);
            }
        }
    }
}
