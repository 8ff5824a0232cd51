package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The {@code httpAuthentication} setting as the renderer and the refusals read it. */
class HttpAuthenticationSettingTest {

    @Test
    void theThreeValuesInAnyCaseAndSpacing() {
        assertEquals("off", PhoneFileRenderer.authentication("off"));
        assertEquals("basic", PhoneFileRenderer.authentication(" Basic "));
        assertEquals("digest", PhoneFileRenderer.authentication("DIGEST"));
    }

    @Test
    void anythingElseIsTheSecureDefaultNotOff() {
        assertEquals("digest", PhoneFileRenderer.authentication("digets"));
        assertEquals("digest", PhoneFileRenderer.authentication(""));
        assertEquals("digest", PhoneFileRenderer.authentication("none"));
    }
}
