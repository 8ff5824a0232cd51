package pnp.launch;

import java.util.Hashtable;

import org.apache.felix.cm.file.FilePersistenceManager;

/**
 * A child process for {@link ConfigStoreRepairTest}: updates one configuration through Felix's
 * {@link FilePersistenceManager} as fast as it can until it is killed. Prints {@code stored} once
 * the configuration exists. Argument: the store directory.
 */
public final class StoreLoop {

    static final String PID = "pnp.phone~000b82000001";

    private StoreLoop() {
    }

    public static void main(String[] args) throws Exception {
        FilePersistenceManager store = new FilePersistenceManager(args[0]);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("service.pid", PID);
        props.put("service.factoryPid", "pnp.phone");
        props.put("mac", "000b82000001");
        props.put("password", "a-strong-secret");
        for (long i = 0; i < Long.MAX_VALUE; i++) {
            props.put("extension", Long.toString(200 + i));
            store.store(PID, props);
            if (i == 0) {
                System.out.println("stored");
                System.out.flush();
            }
        }
    }
}
