package pnp.vendor.grandstream.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Reads a Grandstream XML file with the JDK's parser, asserting its frame on the way. */
final class XmlFiles {

    private XmlFiles() {
    }

    /** The P-values of {@code <config>} in document order; fails unless the file is well-formed. */
    static Map<String, String> values(byte[] xml, String expectedMac) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        Element root = doc.getDocumentElement();
        assertEquals("gs_provision", root.getTagName());
        assertEquals("1", root.getAttribute("version"));
        assertEquals(expectedMac, root.getElementsByTagName("mac").item(0).getTextContent());
        Element config = (Element) root.getElementsByTagName("config").item(0);
        assertEquals("1", config.getAttribute("version"));
        Map<String, String> values = new LinkedHashMap<>();
        for (Node n = config.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                assertEquals(0, e.getElementsByTagName("*").getLength(), "nested element in " + e.getTagName());
                assertEquals(null, values.put(e.getTagName(), e.getTextContent()), e.getTagName() + " appears twice");
            }
        }
        return values;
    }
}
