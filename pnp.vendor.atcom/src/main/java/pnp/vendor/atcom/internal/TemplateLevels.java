package pnp.vendor.atcom.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import freemarker.cache.TemplateLoader;
import pnp.api.MacAddress;

/**
 * Finds a template at the most specific of four levels:
 * <ol>
 * <li>phone: {@code <root>/phone/<mac>/<template>}</li>
 * <li>model: {@code <root>/model/<model dir>/<template>}</li>
 * <li>vendor: {@code <root>/<template>}</li>
 * <li>bundle: {@code templates/atcom/<template>} inside this bundle, read through the bundle's class
 * loader (never the thread context class loader)</li>
 * </ol>
 * where {@code <root>} is {@code ${pnp.home}/templates/atcom}.
 *
 * <p>FreeMarker only passes a template name, so the phone and model travel in it: names have the
 * form {@code <mac>/<model dir>/<template>} (see {@link #name}), and a template's relative
 * {@code <#import>} keeps that prefix, so imported files are looked up at the same levels. A name
 * without the prefix is looked up at vendor and bundle level only.
 *
 * <p>Every lookup goes to the file system, and a found source compares equal only to the same file
 * with the same size: with FreeMarker's update delay at 0, adding, changing or removing an override
 * takes effect at the next render.
 *
 * <p>Thread-safe: holds only immutable state.
 */
final class TemplateLevels implements TemplateLoader {

    /** Stands for "no phone" or "no model" in a template name; no MAC or model directory looks like it. */
    static final String NONE = "~";

    private static final String BUNDLE_FOLDER = "templates/atcom/";

    private final Path root;

    /**
     * @param root the override folder, {@code ${pnp.home}/templates/atcom}; need not exist
     */
    TemplateLevels(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * The template name that looks up {@code template} for a phone.
     *
     * @param mac the phone, or {@code null} for no phone level
     * @param model the model as heard, may be empty for no model level
     */
    static String name(MacAddress mac, String model, String template) {
        return (mac == null ? NONE : mac.value()) + '/' + modelDirectory(model).orElse(NONE) + '/' + template;
    }

    /**
     * Like {@link #name}, but leaves out a level that has no folder under the root: phones without
     * overrides then share one name, so FreeMarker parses and caches the template once instead of
     * once per phone.
     */
    String lookupName(MacAddress mac, String model, String template) {
        MacAddress phone = mac != null && Files.isDirectory(root.resolve("phone").resolve(mac.value())) ? mac : null;
        String dir = modelDirectory(model).filter(d -> Files.isDirectory(root.resolve("model").resolve(d)))
                .orElse("");
        return name(phone, dir, template);
    }

    /**
     * The model's folder name: lower case, every character but {@code a-z 0-9 _ -} replaced by
     * {@code _} (so {@code "VOIP PHONE"} gives {@code voip_phone}); empty for an empty model.
     */
    static Optional<String> modelDirectory(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder();
        model.strip().toLowerCase(Locale.ROOT).codePoints().forEach(c -> b.append(
                (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ? (char) c : '_'));
        return Optional.of(b.toString());
    }

    @Override
    public Object findTemplateSource(String name) throws IOException {
        String[] parts = name.split("/", 3);
        if (parts.length == 3 && isPhoneKey(parts[0]) && isModelKey(parts[1])) {
            String template = parts[2];
            if (!parts[0].equals(NONE)) {
                Source s = file(root.resolve("phone").resolve(parts[0]), template);
                if (s != null) {
                    return s;
                }
            }
            if (!parts[1].equals(NONE)) {
                Source s = file(root.resolve("model").resolve(parts[1]), template);
                if (s != null) {
                    return s;
                }
            }
            return vendorOrBundle(template);
        }
        return vendorOrBundle(name);
    }

    private Source vendorOrBundle(String template) {
        Source s = file(root, template);
        if (s != null) {
            return s;
        }
        String resource = BUNDLE_FOLDER + template;
        return bundleResource(resource) == null ? null : new Source(null, resource, 0);
    }

    private static URL bundleResource(String resource) {
        return TemplateLevels.class.getClassLoader().getResource(resource);
    }

    private Source file(Path folder, String template) {
        Path file = folder.resolve(template).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new Source(file, null, Files.size(file));
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isPhoneKey(String part) {
        return part.equals(NONE) || MacAddress.parse(part).filter(m -> m.value().equals(part)).isPresent();
    }

    private static boolean isModelKey(String part) {
        return part.equals(NONE) || modelDirectory(part).filter(part::equals).isPresent();
    }

    @Override
    public long getLastModified(Object source) {
        Source s = (Source) source;
        if (s.file() == null) {
            return 0;
        }
        try {
            return Files.getLastModifiedTime(s.file()).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public Reader getReader(Object source, String encoding) throws IOException {
        Source s = (Source) source;
        if (s.file() != null) {
            return Files.newBufferedReader(s.file(), StandardCharsets.UTF_8);
        }
        URL url = bundleResource(s.resource());
        if (url == null) {
            throw new IOException("template vanished from the bundle: " + s.resource());
        }
        return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
    }

    @Override
    public void closeTemplateSource(Object source) {
        // nothing held open between calls
    }

    /**
     * Where a template was found. Compared by value (a {@link URL} is not kept: its equals may
     * resolve host names).
     *
     * @param file the override file, or {@code null} for a bundle resource
     * @param resource the bundle resource path, or {@code null} for a file
     * @param size the file's size, part of the identity so a same-second edit is noticed
     */
    record Source(Path file, String resource, long size) {
        @Override
        public String toString() {
            return file != null ? file.toString() : "bundle:" + resource;
        }
    }
}
