package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PhonesPageTest {

    @Test
    void placeholdersAreFilledEscaped() {
        String html = PhonesPage.render("<div data-root=\"{{root}}\" data-token=\"{{token}}\">",
                "/sys\"><script>${x}", "1.abc");
        assertEquals("<div data-root=\"/sys&#34;&gt;&lt;script&gt;&#36;{x}\" data-token=\"1.abc\">", html);
    }

    @Test
    void templateHasNoConsoleVariablesAndNoInlineScript() throws IOException {
        String template;
        try (InputStream in = PhonesPlugin.class.getResourceAsStream("/res/phones.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertFalse(template.contains("${"), "the console would expand ${...}");
        assertTrue(template.contains("data-token=\"{{token}}\""));
        assertTrue(template.contains("<script src=\"{{root}}/res/phones.js\"></script>"));
    }

    @Test
    void scriptPutsPhoneStringsIntoThePageAsTextOnly() throws IOException {
        String js;
        try (InputStream in = PhonesPlugin.class.getResourceAsStream("/res/phones.js")) {
            js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String sink : new String[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(" }) {
            assertFalse(js.contains(sink), "phones.js must not use " + sink);
        }
    }
}
