package pnp.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CrossSiteCheckTest {

    static final String HOST = "127.0.0.1:8080";
    static final String CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0";

    static boolean allowed(String method, String origin, String referer, String fetchSite, String userAgent) {
        return CrossSiteCheck.check(method, "http", HOST, origin, referer, fetchSite, userAgent).allowed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS"})
    void readingIsNeverRefused(String method) {
        assertTrue(allowed(method, "http://evil.example", null, "cross-site", CHROME));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "PROPFIND", "post"})
    void everyOtherMethodFromAnotherSiteIsRefused(String method) {
        assertFalse(allowed(method, "http://127.0.0.2:8000", null, null, CHROME));
        assertFalse(allowed(method, null, "http://127.0.0.2:8000/attack.html", null, CHROME));
        assertFalse(allowed(method, null, null, "cross-site", CHROME));
    }

    @Test
    void theConsolesOwnPagesPass() {
        assertTrue(allowed("POST", "http://127.0.0.1:8080", "http://127.0.0.1:8080/system/console/bundles",
                "same-origin", CHROME));
        assertTrue(allowed("POST", null, "http://127.0.0.1:8080/system/console/configMgr", null, CHROME),
                "Referer alone");
        assertTrue(allowed("POST", "HTTP://127.0.0.1:8080", null, null, CHROME), "scheme and host case-insensitive");
        assertTrue(allowed("POST", null, null, "same-origin", CHROME), "the browser itself says same-origin");
    }

    @Test
    void anotherPortSchemeOrHostIsAnotherOrigin() {
        assertFalse(allowed("POST", "http://127.0.0.1:8081", null, null, CHROME), "port");
        assertFalse(allowed("POST", "https://127.0.0.1:8080", null, null, CHROME), "scheme");
        assertFalse(allowed("POST", "http://localhost:8080", null, null, CHROME), "host");
        assertFalse(allowed("POST", "http://127.0.0.1:8080.evil.example", null, null, CHROME), "suffix");
        assertFalse(allowed("POST", "http://127.0.0.1", null, null, CHROME), "default port 80 is not 8080");
        assertFalse(allowed("POST", "null", null, null, CHROME), "opaque origin");
        assertFalse(allowed("POST", "http://127.0.0.1:8080", null, "same-site", CHROME),
                "Sec-Fetch-Site other than same-origin");
    }

    @Test
    void originWinsOverReferer() {
        assertFalse(allowed("POST", "http://evil.example", "http://127.0.0.1:8080/system/console", null, CHROME));
        assertTrue(allowed("POST", "http://127.0.0.1:8080", "http://evil.example/", null, CHROME));
    }

    @Test
    void defaultPortsAreFilledIn() {
        assertTrue(CrossSiteCheck.check("POST", "https", "pbx.example", "https://pbx.example:443", null, null, CHROME)
                .allowed());
        assertTrue(CrossSiteCheck.check("POST", "http", "pbx.example:80", "http://PBX.example", null, null, CHROME)
                .allowed());
        assertTrue(CrossSiteCheck.check("POST", "http", "[::1]:8080", "http://[::1]:8080", null, null, CHROME)
                .allowed());
        assertEquals("http://pbx.example:80", CrossSiteCheck.originOf("http://user:pw@PBX.example/x?y"));
        assertNull(CrossSiteCheck.originOf("not a url"));
        assertNull(CrossSiteCheck.originOf("null"));
    }

    @Test
    void scriptsWithoutOriginOrRefererPassBrowsersDoNot() {
        assertTrue(allowed("POST", null, null, null, "curl/7.88.1"));
        assertTrue(allowed("POST", null, null, null, "Python-urllib/3.11"));
        assertTrue(allowed("POST", null, null, null, null), "no User-Agent at all");
        assertFalse(allowed("POST", null, null, null, CHROME));
        assertFalse(allowed("POST", null, null, "cross-site", "curl/7.88.1"), "Sec-Fetch-Site only comes from browsers");
        assertTrue(allowed("POST", "http://127.0.0.1:8080", null, null, "curl/7.88.1"), "a script naming the console");
    }

    @Test
    void noHostHeaderRefusesAnyOriginButLetsScriptsThrough() {
        assertFalse(CrossSiteCheck.check("POST", "http", null, "http://127.0.0.1:8080", null, null, CHROME).allowed());
        assertTrue(CrossSiteCheck.check("POST", "http", null, null, null, null, "curl/7.88.1").allowed());
    }

    @Test
    void theReasonEscapesWhatTheRequestSent() {
        CrossSiteCheck.Verdict v = CrossSiteCheck.check("POST", "http", HOST, "http://evil\u001b[2J\n.example", null,
                null, CHROME);
        assertFalse(v.allowed());
        assertTrue(v.reason().contains("http://evil\\x1b[2J\\x0a.example"), v.reason());
        assertTrue(v.reason().contains("http://127.0.0.1:8080"), v.reason());
    }
}
