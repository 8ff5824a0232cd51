package pnp.vendor.yealink.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The descriptors bnd generated from the annotations (in target/classes after process-classes). */
class ComponentDescriptorTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = ComponentDescriptorTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void componentIsAYealinkVendorProfileWithOptionalConfiguration() throws IOException {
        String xml = resource("OSGI-INF/pnp.vendor.yealink.internal.YealinkProfile.xml");
        assertTrue(xml.contains("configuration-pid=\"pnp.vendor.yealink\""), xml);
        assertTrue(xml.contains("configuration-policy=\"optional\""), xml);
        assertTrue(xml.contains("modified=\"modified\""), xml);
        assertTrue(xml.contains("<property name=\"pnp.vendor\" type=\"String\" value=\"Yealink\"/>"), xml);
        assertTrue(xml.contains("<provide interface=\"pnp.api.VendorProfile\"/>"), xml);
    }

    @Test
    void settingsAreDescribedByMetatype() throws IOException {
        String metatype = resource("OSGI-INF/metatype/pnp.vendor.yealink.internal.YealinkProfile$Config.xml");
        assertTrue(metatype.contains("<Designate pid=\"pnp.vendor.yealink\">"), metatype);
        for (String id : new String[] {"sipServer", "sipPort", "codecs", "ouis", "folderUrl", "resyncReboot",
                "periodicCheckMinutes"}) {
            assertTrue(metatype.contains("<AD id=\"" + id + "\""), id + "\n" + metatype);
        }
    }
}
