package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

class ConsoleCredentialsTest {

    @Test
    void generatedPasswordsAreLongAndDiffer() {
        SecureRandom random = new SecureRandom();
        String a = ConsoleCredentials.generatePassword(random);
        String b = ConsoleCredentials.generatePassword(random);
        assertEquals(20, a.length());
        assertNotEquals(a, b);
    }

    @Test
    void hashHasTheConsolesForm() {
        // SHA-256("admin"), base64: the known digest, so the console compares like for like
        assertEquals("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=", ConsoleCredentials.hash("admin"));
        assertTrue(ConsoleCredentials.hash("x").startsWith("{sha-256}"));
    }
}
