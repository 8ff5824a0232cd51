package pnp.console.internal;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Config Admin in memory, just the factory configuration calls the console makes. */
final class FakeConfigAdmin {

    /** Stored properties by PID; a configuration appears here at its first update. */
    final Map<String, Hashtable<String, Object>> store = new TreeMap<>();
    final ConfigurationAdmin service = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] { ConfigurationAdmin.class }, (proxy, method, args) -> switch (method.getName()) {
                case "getFactoryConfiguration" -> configuration(args[0] + "~" + args[1], (String) args[0]);
                case "listConfigurations" -> store.entrySet().stream()
                        .filter(e -> ("(service.factoryPid=" + e.getValue().get("service.factoryPid") + ")")
                                .equals(args[0]))
                        .map(e -> configuration(e.getKey(), (String) e.getValue().get("service.factoryPid")))
                        .toArray(Configuration[]::new);
                default -> throw new UnsupportedOperationException(method.getName());
            });

    /** Puts a configuration as FileInstall or another tool would have made it. */
    void put(String pid, String factoryPid, Map<String, Object> props) {
        Hashtable<String, Object> p = new Hashtable<>(props);
        p.put("service.pid", pid);
        p.put("service.factoryPid", factoryPid);
        store.put(pid, p);
    }

    private Configuration configuration(String pid, String factoryPid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { Configuration.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getPid" -> pid;
                    case "getFactoryPid" -> factoryPid;
                    case "getProperties" -> store.containsKey(pid) ? new Hashtable<>(store.get(pid)) : null;
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                        Hashtable<String, Object> p = new Hashtable<>();
                        for (String k : Collections.list(d.keys())) {
                            p.put(k, d.get(k));
                        }
                        p.put("service.pid", pid);
                        p.put("service.factoryPid", factoryPid);
                        store.put(pid, p);
                        yield null;
                    }
                    case "delete" -> {
                        store.remove(pid);
                        yield null;
                    }
                    case "hashCode" -> pid.hashCode();
                    case "equals" -> proxy == args[0];
                    case "toString" -> "Configuration[" + pid + "]";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
