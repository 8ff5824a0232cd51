package pnp.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The file store, as seen by the servers that hand files to phones ({@code pnp.http}, {@code pnp.tftp}).
 * Provided by the core bundle.
 *
 * <p>Threading: thread-safe and non-blocking (lookups read memory only).
 */
@ProviderType
public interface ProvisioningFiles {

    /**
     * Finds the file a requester asked for.
     *
     * @param token the secret path segment of an HTTP request, or {@code null} where the protocol has
     *        none (TFTP)
     * @param name the requested file name, already free of directories
     * @param requester the requester's address
     * @param protocol {@code http}, {@code https} or {@code tftp}
     */
    Lookup lookup(String token, String name, InetAddress requester, String protocol);

    /** Records that a file was delivered completely. */
    void downloaded(Found file, InetAddress requester, String protocol, String userAgent);

    /**
     * The HTTP authentication scheme every refused request is challenged with ({@code basic},
     * {@code digest}, or {@code off} for a bare 404), so that a wrong token, a wrong file, a closed
     * bootstrap and wrong credentials all get the same answer.
     *
     * @since 1.1
     */
    default String refusalScheme() {
        return "off";
    }

    /** The answer to a lookup. */
    sealed interface Lookup permits Found, NotFound {
    }

    /**
     * A file to serve.
     *
     * @param mac the phone it belongs to, or {@code null} for a common file
     * @param file the file
     * @param etag a strong entity tag for HTTP, quoted
     * @param lastModified when its content last changed
     * @param credentials what an HTTP requester must authenticate with, or {@code null} when the
     *        file is served without authentication
     */
    record Found(MacAddress mac, ProvisioningFile file, String etag, Instant lastModified, Credentials credentials)
            implements Lookup {
        public Found {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(lastModified, "lastModified");
        }

        /** A file served without authentication. */
        public Found(MacAddress mac, ProvisioningFile file, String etag, Instant lastModified) {
            this(mac, file, etag, lastModified, null);
        }
    }

    /**
     * HTTP credentials of one phone, written into its file, required for its downloads.
     *
     * @param scheme {@code basic} or {@code digest}
     * @param user the user name
     * @param password the password
     */
    record Credentials(String scheme, String user, String password) {
        public Credentials {
            if (!"basic".equals(scheme) && !"digest".equals(scheme)) {
                throw new IllegalArgumentException("scheme must be basic or digest: " + scheme);
            }
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Credentials[" + scheme + ", " + user + "]";
        }
    }

    /**
     * Nothing to serve. The reason is for the log only: the requester learns nothing but "not found".
     */
    record NotFound(String reason) implements Lookup {
        public NotFound {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
