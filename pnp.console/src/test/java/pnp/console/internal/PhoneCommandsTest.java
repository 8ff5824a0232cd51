package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneInventory;
import pnp.api.PhoneSighting;

class PhoneCommandsTest {

    final List<String> calls = new ArrayList<>();
    final FakeConfigAdmin cm = new FakeConfigAdmin();
    final PhoneInventory inventory = new PhoneInventory() {
        @Override
        public void sighted(PhoneSighting sighting) {
        }

        @Override
        public List<Phone> phones() {
            return List.of(PhonesJsonTest.hostile());
        }

        @Override
        public Optional<Phone> phone(MacAddress mac) {
            return Optional.empty();
        }

        @Override
        public boolean renotify(MacAddress mac) {
            calls.add("renotify " + mac);
            return mac.equals(PhonesJsonTest.MAC);
        }

        @Override
        public boolean forget(MacAddress mac) {
            calls.add("forget " + mac);
            return mac.equals(PhonesJsonTest.MAC);
        }

        @Override
        public Optional<pnp.api.Reask> reask(MacAddress mac) {
            return mac.equals(PhonesJsonTest.MAC) ? Optional.of(PhonesJsonTest.reask()) : Optional.empty();
        }

        @Override
        public boolean approveReask(MacAddress mac) {
            calls.add("approve " + mac);
            return mac.equals(PhonesJsonTest.MAC);
        }

        @Override
        public boolean ignoreReask(MacAddress mac) {
            calls.add("ignore " + mac);
            return mac.equals(PhonesJsonTest.MAC);
        }

        @Override
        public boolean rotateSecrets(MacAddress mac) {
            calls.add("rotate " + mac);
            return mac.equals(PhonesJsonTest.MAC);
        }
    };

    @Test
    void rotateApproveAndIgnoreReachTheInventory() throws Exception {
        assertTrue(commands.rotate("000b82273b89").startsWith("New URL token and HTTP credentials"));
        assertTrue(commands.approve("000b82273b89").contains("at 10.0.0.66"));
        assertTrue(commands.ignore("000b82273b89").startsWith("Ignored"));
        assertEquals(List.of("rotate 000b82273b89", "approve 000b82273b89", "ignore 000b82273b89"),
                calls);
        assertThrows(IllegalArgumentException.class, () -> commands.rotate("000b82000000"));
        assertThrows(IllegalArgumentException.class, () -> commands.approve("000b82000000"));
        assertTrue(commands.phones().contains("asks to be provisioned again from 10.0.0.66 (was 127.0.0.1)"));
    }

    @Test
    void rotateWithSipGivesTheAssignmentANewPassword() throws Exception {
        commands.assign("000b82273b89", "201", "Alice", "My-own-password");
        String out = commands.rotate("000b82273b89", "sip");
        String password = String.valueOf(cm.store.get("pnp.phone~000b82273b89").get("password"));
        assertTrue(!password.equals("My-own-password") && out.endsWith(password), out);
    }
    final PhoneCommands commands = new PhoneCommands(inventory, new Assignments(cm.service, () -> "Generated-pw-123456"));

    @Test
    void phonesListsEveryPhoneWithoutControlCharacters() throws Exception {
        String out = commands.phones();
        assertTrue(out.contains("00:0b:82:27:3b:89"), out);
        assertTrue(out.contains("UNCLAIMED"), out);
        assertTrue(out.endsWith("1 phone(s)"), out);
        assertEquals("a?b?", PhoneCommands.printable("a\u001bb\n"));
    }

    @Test
    void assignPrintsTheGeneratedPasswordOnlyWhenNoneIsGiven() throws Exception {
        String out = commands.assign("00:0B:82:27:3B:89", "201", "Alice");
        assertTrue(out.contains("Assigned 00:0b:82:27:3b:89 to extension 201"), out);
        assertTrue(out.contains("SIP password (shown only now): Generated-pw-123456"), out);
        String again = commands.assign("000b82273b89", "201", "Alice", "My-own-password");
        assertTrue(again.startsWith("Updated") && !again.contains("password"), again);
        assertEquals("My-own-password", cm.store.get("pnp.phone~000b82273b89").get("password"));
        assertThrows(IllegalArgumentException.class, () -> commands.assign("nope", "201", "x"));
    }

    @Test
    void notifyAndForgetGoToTheInventory() {
        assertTrue(commands.notify("000b82273b89").contains("on its way"));
        assertTrue(commands.forget("00:0b:82:27:3b:89").startsWith("Forgot"));
        assertThrows(IllegalArgumentException.class, () -> commands.notify("000b82273b90"));
        assertEquals(List.of("renotify 000b82273b89", "forget 000b82273b89", "renotify 000b82273b90"), calls);
    }
}
