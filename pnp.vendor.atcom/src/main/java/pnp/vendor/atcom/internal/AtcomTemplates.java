package pnp.vendor.atcom.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.DefaultObjectWrapperBuilder;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import pnp.api.MacAddress;

/**
 * Renders ATCOM files from FreeMarker templates found by {@link TemplateLevels}.
 *
 * <p>Output is deterministic: numbers in computer format (no grouping), root locale, UTC, no
 * timestamps. Templates cannot create Java objects or reach the Java API. Every string in a data
 * model given to {@link #render} must already be cleaned with {@link AtcomText}.
 *
 * <p>Thread-safe: the FreeMarker configuration is set up once and only read afterwards.
 */
final class AtcomTemplates {

    /** The per-phone template. */
    static final String PHONE = "phone.cfg.ftl";
    /** The template of every family's common file. */
    static final String COMMON = "common.cfg.ftl";

    private final Configuration freemarker;
    private final TemplateLevels levels;

    /**
     * @param root the override folder {@code ${pnp.home}/templates/atcom}; need not exist
     */
    AtcomTemplates(Path root) {
        // 2.3.32: the oldest FreeMarker this bundle is known to work with; keeps 2.3.x runtimes usable
        freemarker = new Configuration(Configuration.VERSION_2_3_32);
        levels = new TemplateLevels(root);
        freemarker.setTemplateLoader(levels);
        freemarker.setTemplateUpdateDelayMilliseconds(0);
        freemarker.setLocalizedLookup(false);
        freemarker.setDefaultEncoding(StandardCharsets.UTF_8.name());
        freemarker.setOutputEncoding(StandardCharsets.UTF_8.name());
        freemarker.setLocale(Locale.ROOT);
        freemarker.setTimeZone(TimeZone.getTimeZone("UTC"));
        freemarker.setNumberFormat("computer");
        freemarker.setBooleanFormat("1,0");
        freemarker.setObjectWrapper(new DefaultObjectWrapperBuilder(Configuration.VERSION_2_3_32).build());
        freemarker.setAPIBuiltinEnabled(false);
        freemarker.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        freemarker.setLogTemplateExceptions(false);
        freemarker.setWrapUncheckedExceptions(true);
        freemarker.setFallbackOnNullLoopVariable(false);
    }

    /**
     * Renders one file.
     *
     * @param mac the phone whose override level applies, or {@code null} for none
     * @param model the model whose override level applies, empty for none
     * @param template {@link #PHONE} or {@link #COMMON}
     * @param data the data model; its strings must be clean
     * @return the file's bytes, UTF-8
     * @throws IllegalStateException when the template is missing or fails, with FreeMarker's reason
     */
    byte[] render(MacAddress mac, String model, String template, Map<String, Object> data) {
        String name = levels.lookupName(mac, model, template);
        try {
            Template t = freemarker.getTemplate(name);
            StringWriter out = new StringWriter();
            t.process(data, out);
            return out.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("ATCOM template " + template + " failed: " + e.getMessage(), e);
        }
    }
}
