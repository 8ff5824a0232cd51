package pnp.vendor.atcom.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;

import pnp.api.RenderRequest;
import pnp.api.Rendering;

class NotifyUrlTest {

    private static Rendering render(String scheme, RenderRequest request) {
        return Fixtures.profile(Map.of("urlScheme", scheme)).render(request);
    }

    private static RenderRequest request(String serverHost, String httpBase, String tftpBase, String user,
            String password) {
        return new RenderRequest(Fixtures.minimal(), "", serverHost, httpBase, tftpBase, user, password, 1);
    }

    private static String downloadServer(Rendering r, String file) {
        return AtcomProfileRenderTest.settings(Fixtures.text(r, file), "AUTOUPDATE CONFIG MODULE")
                .get("Download Server IP");
    }

    @Test
    void tftpSendsTheServerOnly() {
        Rendering r = render("tftp", Fixtures.request(Fixtures.minimal(), "", 1));
        assertEquals("tftp://192.0.2.10", r.notifyUrl());
        assertEquals(Rendering.APPLICATION_URL, r.notifyContentType());
        assertEquals("tftp://192.0.2.10", downloadServer(r, "808287010203.cfg"));
        assertEquals("tftp://192.0.2.10", downloadServer(r, "a000000000041.cfg"), "same for every phone");
    }

    @Test
    void tftpIsTheDefaultAndIgnoresCase() {
        assertEquals("tftp://192.0.2.10",
                Fixtures.profile(Map.of()).render(Fixtures.request(Fixtures.minimal(), "", 1)).notifyUrl());
        assertEquals("tftp://192.0.2.10", render(" TFTP ", Fixtures.request(Fixtures.minimal(), "", 1)).notifyUrl());
    }

    @Test
    void tftpTakesHostAndOddPortFromTheTftpBase() {
        assertEquals("tftp://tftp.example.org",
                render("tftp", request("192.0.2.10", Fixtures.HTTP_BASE, "tftp://tftp.example.org:69/x", "", ""))
                        .notifyUrl());
        assertEquals("tftp://192.0.2.11:6969",
                render("tftp", request("192.0.2.10", Fixtures.HTTP_BASE, "tftp://192.0.2.11:6969", "", ""))
                        .notifyUrl());
    }

    @Test
    void tftpFallsBackToTheServerHost() {
        assertEquals("tftp://pnp.example.org",
                render("tftp", request("pnp.example.org", Fixtures.HTTP_BASE, "", "", "")).notifyUrl());
        assertEquals("tftp://[2001:db8::10]",
                render("tftp", request("2001:db8::10", Fixtures.HTTP_BASE, "", "", "")).notifyUrl());
    }

    @Test
    void httpSendsThePhonesPrivateFolder() {
        Rendering r = render("http", Fixtures.request(Fixtures.minimal(), "", 1));
        assertEquals(Fixtures.HTTP_BASE, r.notifyUrl());
        assertEquals(Rendering.APPLICATION_URL, r.notifyContentType());
        assertEquals(Fixtures.HTTP_BASE, downloadServer(r, "808287010203.cfg"));
        assertFalse(Fixtures.text(r, "a000000000041.cfg").contains("Download Server IP"),
                "the private folder is not for every phone");
    }

    @Test
    void httpsSendsTheHttpsBase() {
        String base = "https://192.0.2.10:5443/provisioning/Zq7tK2pW/";
        assertEquals(base, render("https", request("192.0.2.10", base, "", "", "")).notifyUrl());
    }

    @Test
    void httpAuthenticationTravelsAsUserInfo() {
        Rendering r = render("http", request("192.0.2.10", Fixtures.HTTP_BASE, "", "dl user", "p@ss:w/rd"));
        assertEquals("http://dl%20user:p%40ss%3Aw%2Frd@192.0.2.10:5481/provisioning/Zq7tK2pW/", r.notifyUrl());
        Map<String, String> update = AtcomProfileRenderTest.settings(Fixtures.text(r, "808287010203.cfg"),
                "AUTOUPDATE CONFIG MODULE");
        assertEquals(Fixtures.HTTP_BASE, update.get("Download Server IP"));
        assertEquals("dl user", update.get("Download Username"));
        assertEquals("p@ss:w/rd", update.get("Download Password"));
    }
}
