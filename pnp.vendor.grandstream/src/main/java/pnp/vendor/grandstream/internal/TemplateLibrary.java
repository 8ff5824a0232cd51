package pnp.vendor.grandstream.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.ConditionalTemplateConfigurationFactory;
import freemarker.cache.FileNameGlobMatcher;
import freemarker.cache.TemplateLoader;
import freemarker.core.TemplateClassResolver;
import freemarker.core.TemplateConfiguration;
import freemarker.core.XMLOutputFormat;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import pnp.api.MacAddress;

/**
 * The FreeMarker templates files are rendered from: the ones inside the bundle, each overridable
 * without a rebuild by a file of the same name under the override root, at three levels, the most
 * specific first:
 *
 * <pre>
 * &lt;root&gt;/phone/&lt;mac&gt;/&lt;template&gt;
 * &lt;root&gt;/model/&lt;model lower-case&gt;/&lt;template&gt;
 * &lt;root&gt;/&lt;template&gt;
 * bundle:/templates/grandstream/&lt;template&gt;
 * </pre>
 *
 * Templates named {@code *.xml.ftl} use the XML output format with auto-escaping, overrides included.
 * Every render looks for the override files and FreeMarker checks a found file's modification time,
 * so an edited, added or removed override applies to the next render; the bundle's templates are
 * parsed once.
 *
 * <p>Bundle templates are read through the class's own class loader (the bundle's inside OSGi), never
 * the thread context class loader. Thread-safe.
 */
final class TemplateLibrary {

    private final Path overrideRoot;
    /** Override files: looked up and checked for changes on every render. */
    private final Configuration overrides;
    private final Configuration bundled;

    TemplateLibrary(Path overrideRoot, Class<?> bundleClass) {
        this.overrideRoot = overrideRoot.toAbsolutePath().normalize();
        this.overrides = configuration(new DirectoryLoader(this.overrideRoot), 0);
        // The bundle's own templates cannot change while the bundle lives: parsed once, never checked again.
        this.bundled = configuration(new ClassTemplateLoader(bundleClass, "/templates/grandstream"), Long.MAX_VALUE);
    }

    private static Configuration configuration(TemplateLoader loader, long updateDelayMillis) {
        Configuration c = new Configuration(Configuration.VERSION_2_3_34);
        c.setTemplateLoader(loader);
        c.setTemplateUpdateDelayMilliseconds(updateDelayMillis);
        c.setLocalizedLookup(false);
        c.setDefaultEncoding("UTF-8");
        c.setOutputEncoding("UTF-8");
        c.setLocale(Locale.ROOT);
        c.setTimeZone(TimeZone.getTimeZone("UTC"));
        c.setNumberFormat("computer");
        c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        c.setLogTemplateExceptions(false);
        c.setWrapUncheckedExceptions(true);
        c.setFallbackOnNullLoopVariable(false);
        c.setAPIBuiltinEnabled(false);
        c.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        TemplateConfiguration xml = new TemplateConfiguration();
        xml.setOutputFormat(XMLOutputFormat.INSTANCE);
        xml.setAutoEscapingPolicy(Configuration.ENABLE_IF_SUPPORTED_AUTO_ESCAPING_POLICY);
        c.setTemplateConfigurations(new ConditionalTemplateConfigurationFactory(new FileNameGlobMatcher("*.xml.ftl"), xml));
        return c;
    }

    Path overrideRoot() {
        return overrideRoot;
    }

    /**
     * Renders the most specific version of a template.
     *
     * @param template the template's file name, e.g. {@code cfg.xml.ftl}
     * @param mac the phone, for the phone level
     * @param model the model in lower case, already safe as a directory name; empty skips the model level
     * @throws IllegalStateException when the template cannot be read, parsed or processed; the message
     *         names the template
     */
    String render(String template, MacAddress mac, String model, Map<String, Object> dataModel) {
        for (String name : candidates(template, mac, model)) {
            // Only a file that exists goes to FreeMarker's cache: a miss per phone would fill it with
            // one negative entry per MAC and cost a lookup in every loader on every render.
            if (Files.isRegularFile(overrideRoot.resolve(name))) {
                Template t = template(overrides, name);
                if (t != null) {
                    return process(t, name, dataModel);
                }
            }
        }
        Template t = template(bundled, template);
        if (t == null) {
            throw new IllegalStateException("Grandstream template " + template + " is missing from the bundle");
        }
        return process(t, template, dataModel);
    }

    /** The parsed template, or null when the loader has no such file. */
    private static Template template(Configuration c, String name) {
        try {
            return c.getTemplate(name, null, null, null, true, true);
        } catch (IOException e) {
            throw new IllegalStateException("Grandstream template " + name + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String process(Template t, String name, Map<String, Object> dataModel) {
        StringWriter out = new StringWriter(16384);
        try {
            t.process(dataModel, out);
        } catch (TemplateException | IOException e) {
            throw new IllegalStateException("Grandstream template " + name + " failed: " + e.getMessage(), e);
        }
        return out.toString();
    }

    private static List<String> candidates(String template, MacAddress mac, String model) {
        List<String> names = new ArrayList<>(3);
        names.add("phone/" + mac.value() + "/" + template);
        if (!model.isEmpty()) {
            names.add("model/" + model + "/" + template);
        }
        names.add(template);
        return names;
    }

    /** Loads templates from files under a directory that may appear, change or vanish at any time. */
    private record DirectoryLoader(Path root) implements TemplateLoader {

        @Override
        public Object findTemplateSource(String name) {
            Path file = root.resolve(name).normalize();
            return file.startsWith(root) && Files.isRegularFile(file) ? file : null;
        }

        @Override
        public long getLastModified(Object source) {
            try {
                return Files.getLastModifiedTime((Path) source).toMillis();
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public Reader getReader(Object source, String encoding) throws IOException {
            return Files.newBufferedReader((Path) source, Charset.forName(encoding));
        }

        @Override
        public void closeTemplateSource(Object source) {
            // the reader FreeMarker closes is the only resource
        }
    }
}
