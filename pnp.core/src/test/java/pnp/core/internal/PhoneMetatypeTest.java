package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import pnp.api.AssignmentProperties;

/** The console's Configuration form (the Metatype) offers exactly the keys the inventory reads. */
class PhoneMetatypeTest {

    @Test
    void metatypeAttributesAreTheAssignmentKeys() throws Exception {
        Set<String> ids = new HashSet<>();
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/metatype/pnp.phone.xml")) {
            NodeList ads = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in)
                    .getElementsByTagName("AD");
            for (int i = 0; i < ads.getLength(); i++) {
                ids.add(((Element) ads.item(i)).getAttribute("id"));
            }
        }
        assertEquals(AssignmentProperties.KEYS, ids);
    }
}
