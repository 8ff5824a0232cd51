package pnp.api;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One file a vendor profile generated for a phone.
 *
 * <p>A file answers to its {@link #name()} and to its {@link #aliases()}, compared without regard to
 * case (phones ask for {@code cfg000B82273B89} and {@code cfg000b82273b89} alike). A
 * {@linkplain Scope#PHONE phone} file may carry credentials: it is served only to that phone. A
 * {@linkplain Scope#COMMON common} file holds nothing secret and is served to anyone who asks.
 *
 * @param name the name the phone asks for
 * @param aliases further names that answer with the same content (e.g. {@code cfg.xml})
 * @param content the bytes
 * @param contentType the MIME type served over HTTP
 * @param scope who may download it
 */
public record ProvisioningFile(String name, Set<String> aliases, byte[] content, String contentType, Scope scope) {

    /** Who may download a file. */
    public enum Scope {
        /** Only the phone it was generated for. */
        PHONE,
        /** Every phone of the vendor: holds no credentials. */
        COMMON
    }

    public ProvisioningFile {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
        aliases = Objects.requireNonNullElse(aliases, Set.<String>of()).stream()
                .map(a -> a.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        content = content.clone();
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(scope, "scope");
    }

    public static ProvisioningFile phone(String name, byte[] content, String contentType, String... aliases) {
        return new ProvisioningFile(name, Set.of(aliases), content, contentType, Scope.PHONE);
    }

    public static ProvisioningFile common(String name, byte[] content, String contentType) {
        return new ProvisioningFile(name, Set.of(), content, contentType, Scope.COMMON);
    }

    /** Whether this file answers to the requested name (case-insensitive). */
    public boolean answersTo(String requested) {
        return name.equalsIgnoreCase(requested) || aliases.contains(requested.toLowerCase(Locale.ROOT));
    }

    /** A copy of the bytes. Use {@link #length()} for the size. */
    @Override
    public byte[] content() {
        return content.clone();
    }

    /**
     * The bytes as a read-only view, without a copy: for digests and compression of large files.
     *
     * @since 1.1
     */
    public ByteBuffer contentBuffer() {
        return ByteBuffer.wrap(content).asReadOnlyBuffer();
    }

    public int length() {
        return content.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProvisioningFile f && name.equals(f.name) && aliases.equals(f.aliases)
                && Arrays.equals(content, f.content) && contentType.equals(f.contentType) && scope == f.scope;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, aliases, Arrays.hashCode(content), contentType, scope);
    }

    @Override
    public String toString() {
        return "ProvisioningFile[" + name + ", " + content.length + " bytes, " + scope + "]";
    }
}
