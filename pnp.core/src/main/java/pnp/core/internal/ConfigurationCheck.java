package pnp.core.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import pnp.api.Assignment;

/**
 * Checks every {@code pnp.*} configuration against its Metatype description when it changes, so a
 * broken {@code deploy/*.cfg} (unknown key, wrong type, port out of range) gets one log line naming
 * the file and the key, instead of a component that silently runs with defaults. Phone assignments
 * ({@value Assignment#FACTORY_PID}) are checked by the inventory itself.
 */
@Component(service = ConfigurationListener.class)
public class ConfigurationCheck implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationCheck.class);

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final MetaTypeService metaTypes;

    @Activate
    public ConfigurationCheck(BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference MetaTypeService metaTypes) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.metaTypes = metaTypes;
        try {
            Configuration[] all = configAdmin.listConfigurations("(service.pid=pnp.*)");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                check(c);
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.debug("Cannot list configurations: {}", e.toString());
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() != ConfigurationEvent.CM_UPDATED || !event.getPid().startsWith("pnp.")
                || Assignment.FACTORY_PID.equals(event.getFactoryPid())) {
            // Phone assignments are the inventory's to check; looking each one up here (a filter over every
            // configuration) made a bulk import of n phones cost n² filter matches.
            return;
        }
        try {
            Configuration[] c = configAdmin.listConfigurations("(service.pid=" + event.getPid() + ")");
            if (c != null && c.length == 1) {
                check(c[0]);
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.debug("Cannot read configuration {}: {}", event.getPid(), e.toString());
        }
    }

    private void check(Configuration c) {
        String pid = Optional.ofNullable(c.getFactoryPid()).orElse(c.getPid());
        if (Assignment.FACTORY_PID.equals(pid) || c.getProperties() == null) {
            return;
        }
        Optional<ObjectClassDefinition> ocd = describe(pid, c.getFactoryPid() != null);
        if (ocd.isEmpty()) {
            return;
        }
        Dictionary<String, Object> props = c.getProperties();
        Object file = props.get("felix.fileinstall.filename");
        String source = file != null ? "file " + file : "configuration " + c.getPid();
        List<String> problems = problems(props, ocd.get().getAttributeDefinitions(ObjectClassDefinition.ALL));
        boolean removed = false;
        for (String problem : problems) {
            LOG.warn("{}: {} (see the '{}' description in the console's Configuration tab)", source, problem,
                    ocd.get().getName());
            if (problem.startsWith("key '")) {
                // A component reading a value it cannot convert fails; without the value it runs on its default.
                props.remove(problem.substring(5, problem.indexOf('\'', 5)));
                removed = true;
            }
        }
        if (removed) {
            try {
                c.updateIfDifferent(props);
                LOG.warn("{}: the values above were set aside; their defaults apply until the file is fixed", source);
            } catch (IOException e) {
                LOG.warn("{}: cannot set the wrong values aside: {}", source, e.toString());
            }
        }
    }

    private Optional<ObjectClassDefinition> describe(String pid, boolean factory) {
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metaTypes.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            List<String> pids = Arrays.asList(factory ? info.getFactoryPids() : info.getPids());
            if (pids.contains(pid)) {
                try {
                    return Optional.ofNullable(info.getObjectClassDefinition(pid, null));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** What is wrong with these properties, one sentence each, naming the key. */
    static List<String> problems(Dictionary<String, Object> props, AttributeDefinition[] ads) {
        Map<String, AttributeDefinition> known = new LinkedHashMap<>();
        for (AttributeDefinition ad : ads == null ? new AttributeDefinition[0] : ads) {
            known.put(ad.getID(), ad);
        }
        List<String> problems = new ArrayList<>();
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (key.startsWith("service.") || key.startsWith("felix.") || key.startsWith("component.")) {
                continue;
            }
            AttributeDefinition ad = known.get(key);
            if (ad == null) {
                problems.add("unknown key '" + key + "' (known keys: " + String.join(", ", known.keySet()) + ")");
                continue;
            }
            Object value = props.get(key);
            for (Object v : value instanceof Object[] a ? a : new Object[] { value }) {
                String text = String.valueOf(v).trim();
                String why = switch (ad.getType()) {
                    case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.SHORT ->
                        wholeNumber(key, text);
                    case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> decimal(text);
                    case AttributeDefinition.BOOLEAN -> "true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)
                            ? null : "is not true or false";
                    default -> ad.getOptionValues() != null && ad.getOptionValues().length > 0
                            && !Arrays.asList(ad.getOptionValues()).contains(text)
                                    ? "is not one of " + Arrays.toString(ad.getOptionValues()) : null;
                };
                if (why != null) {
                    problems.add("key '" + key + "': '" + text + "' " + why);
                }
            }
        }
        return problems;
    }

    private static String wholeNumber(String key, String text) {
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return "is not a whole number";
        }
        if (key.toLowerCase(java.util.Locale.ROOT).endsWith("port") && (n < 0 || n > 65535)) {
            return "is not a port (0-65535)";
        }
        return null;
    }

    private static String decimal(String text) {
        try {
            Double.parseDouble(text);
            return null;
        } catch (NumberFormatException e) {
            return "is not a number";
        }
    }
}
