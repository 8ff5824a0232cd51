package pnp.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;

import org.apache.felix.cm.file.FilePersistenceManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store is written by Felix's own FilePersistenceManager, as Config Admin writes it for FileInstall. */
class StaleDeployConfigsTest {

    @TempDir
    Path dir;

    private void store(FilePersistenceManager felix, String pid, String factoryPid, Path file) throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("service.pid", pid);
        if (factoryPid != null) {
            props.put("service.factoryPid", factoryPid);
        }
        props.put("extension", "201");
        if (file != null) {
            props.put(StaleDeployConfigs.FILENAME, file.toUri().toString());
        }
        felix.store(pid, props);
    }

    @Test
    void aConfigurationWhoseDeployFileIsGoneIsDeletedTheOthersStay() throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("home dir/deploy"));
        Path kept = Files.writeString(deploy.resolve("pnp.http.cfg"), "port=5482\n");
        Path removed = deploy.resolve("pnp.phone-Zoë \"x\".cfg");
        Path store = dir.resolve("config");
        FilePersistenceManager felix = new FilePersistenceManager(store.toString());
        store(felix, "pnp.http", null, kept);
        store(felix, "pnp.phone~Zoë \"x\"", "pnp.phone", removed);
        store(felix, "pnp.core", null, null); // set in the console: no file behind it

        List<String> done = StaleDeployConfigs.remove(store);

        assertEquals(List.of(removed + " was removed while the server was stopped: its configuration "
                + "pnp.phone~Zoë \"x\" is deleted"), done);
        felix = new FilePersistenceManager(store.toString());
        assertFalse(felix.exists("pnp.phone~Zoë \"x\""));
        assertTrue(felix.exists("pnp.http"));
        assertTrue(felix.exists("pnp.core"));
        assertEquals(List.of(), StaleDeployConfigs.remove(store), "nothing more on a second look");
    }

    @Test
    void noStoreYetIsNothingToDo() throws Exception {
        assertEquals(List.of(), StaleDeployConfigs.remove(dir.resolve("absent")));
    }
}
