package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;

class ConfigurationCheckTest {

    static AttributeDefinition ad(String id, int type, String... options) {
        return new AttributeDefinition() {
            public String getName() { return id; }
            public String getID() { return id; }
            public String getDescription() { return ""; }
            public int getCardinality() { return 0; }
            public int getType() { return type; }
            public String[] getOptionValues() { return options.length == 0 ? null : options; }
            public String[] getOptionLabels() { return getOptionValues(); }
            public String validate(String value) { return null; }
            public String[] getDefaultValue() { return null; }
        };
    }

    static final AttributeDefinition[] TFTP = { ad("port", AttributeDefinition.INTEGER),
        ad("enabled", AttributeDefinition.BOOLEAN), ad("address", AttributeDefinition.STRING),
        ad("httpAuthentication", AttributeDefinition.STRING, "off", "basic", "digest") };

    @Test
    void aGoodConfigurationHasNoProblems() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("port", "69");
        p.put("enabled", "true");
        p.put("service.pid", "pnp.tftp");
        p.put("felix.fileinstall.filename", "file:/x/deploy/pnp.tftp.cfg");
        assertEquals(List.of(), ConfigurationCheck.problems(p, TFTP));
    }

    @Test
    void eachProblemNamesItsKey() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("port", "sixty-nine");
        p.put("enabled", "yes");
        p.put("adress", "0.0.0.0");
        p.put("httpAuthentication", "ntlm");
        List<String> problems = ConfigurationCheck.problems(p, TFTP);
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.contains("key 'port': 'sixty-nine' is not a whole number"), problems.toString());
        assertTrue(problems.contains("key 'enabled': 'yes' is not true or false"), problems.toString());
        assertTrue(problems.stream().anyMatch(s -> s.startsWith("unknown key 'adress'")), problems.toString());
        assertTrue(problems.stream().anyMatch(s -> s.startsWith("key 'httpAuthentication': 'ntlm' is not one of")));
    }

    @Test
    void portsMustBePorts() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("port", 70000);
        assertEquals(List.of("key 'port': '70000' is not a port (0-65535)"), ConfigurationCheck.problems(p, TFTP));
    }

    @SuppressWarnings("unchecked")
    static <T> T stub(Class<T> type, List<String> calls, Object answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (p, m, a) -> {
            calls.add(m.getName() + (a == null || a.length == 0 ? "" : " " + a[0]));
            return m.getReturnType() == boolean.class ? false : answer;
        });
    }

    /** A bulk import of n phones must not cost n scans over every configuration. */
    @Test
    void phoneAssignmentsAreLeftToTheInventoryWithoutLookingThemUp() {
        List<String> calls = new ArrayList<>();
        ConfigurationAdmin cm = stub(ConfigurationAdmin.class, calls, null);
        BundleContext context = stub(BundleContext.class, new ArrayList<>(), new Bundle[0]);
        ConfigurationCheck check = new ConfigurationCheck(context, cm, stub(MetaTypeService.class, new ArrayList<>(), null));
        ServiceReference<ConfigurationAdmin> ref = stub(ServiceReference.class, new ArrayList<>(), null);
        calls.clear();
        check.configurationEvent(new ConfigurationEvent(ref, ConfigurationEvent.CM_UPDATED, "pnp.phone",
                "pnp.phone~000b82273b89"));
        assertEquals(List.of(), calls);
        check.configurationEvent(new ConfigurationEvent(ref, ConfigurationEvent.CM_UPDATED, null, "pnp.tftp"));
        assertEquals(List.of("listConfigurations (service.pid=pnp.tftp)"), calls);
    }
}
