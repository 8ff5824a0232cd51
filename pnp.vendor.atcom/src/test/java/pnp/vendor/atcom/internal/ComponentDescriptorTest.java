package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void componentIsAnAtcomVendorProfileWithOptionalConfiguration() throws IOException {
        String xml = resource("OSGI-INF/pnp.vendor.atcom.internal.AtcomProfile.xml");
        assertTrue(xml.contains("configuration-pid=\"pnp.vendor.atcom\""), xml);
        assertTrue(xml.contains("configuration-policy=\"optional\""), xml);
        assertTrue(xml.contains("modified=\"modified\""), xml);
        assertTrue(xml.contains("<property name=\"pnp.vendor\" type=\"String\" value=\"ATCOM\"/>"), xml);
        assertTrue(xml.contains("<provide interface=\"pnp.api.VendorProfile\"/>"), xml);
    }

    @Test
    void adminPasswordIsNoServiceProperty() throws IOException {
        String xml = resource("OSGI-INF/pnp.vendor.atcom.internal.AtcomProfile.xml");
        assertTrue(xml.contains("name=\".adminPassword\""), xml);
        assertFalse(xml.contains("name=\"adminPassword\""), xml);
        String metatype = resource("OSGI-INF/metatype/pnp.vendor.atcom.internal.AtcomProfile$Config.xml");
        assertTrue(metatype.contains("<AD id=\".adminPassword\" type=\"Password\""), metatype);
        assertTrue(metatype.contains("<Designate pid=\"pnp.vendor.atcom\">"), metatype);
    }
}
