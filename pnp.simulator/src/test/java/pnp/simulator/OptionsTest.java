package pnp.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsAreOneGrandstreamPhoneToTheGroup() {
        Options o = Options.parse();
        assertEquals(1, o.phones);
        assertEquals(Vendor.GRANDSTREAM, o.vendor);
        assertTrue(o.multicast());
        assertEquals(5060, o.target.getPort());
        assertEquals("GXP2140", o.model());
        assertEquals("000B82000001", o.mac(0));
        assertEquals(1, o.downloads);
    }

    @Test
    void parsesBothOptionForms() {
        Options o = Options.parse("--phones", "10", "--vendor=atcom", "--target", "127.0.0.1:5070", "--source-from",
                "127.1.0.1", "--rate=500", "--downloads", "2", "--insecure", "--mac-start", "80:82:87:00:00:FF",
                "--notify-timeout", "1.5", "--model", "A41");
        assertEquals(10, o.phones);
        assertEquals(Vendor.ATCOM, o.vendor);
        assertFalse(o.multicast());
        assertEquals(5070, o.target.getPort());
        assertEquals(500.0, o.rate);
        assertEquals(2, o.downloads);
        assertTrue(o.insecure);
        assertEquals(1500, o.notifyTimeoutMillis);
        assertEquals("8082870000FF", o.mac(0));
        assertEquals("808287000100", o.mac(1));
        assertEquals(List.of(new FileSpec.Slot(List.of("a000000000041.cfg"), true),
                new FileSpec.Slot(List.of("8082870000ff.cfg"), false)), o.files().expand(o.mac(0), o.model()));
    }

    @Test
    void refusesBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--phones", "0"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--phones"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--vendor", "acme"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--frobnicate", "1"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--mac-start", "00112233"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--mac-start", "FFFFFFFFFFFF", "--phones", "2"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--source-from", "::1"));
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--source-from", "127.1.0.1", "--bind", "127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--phones", "2", "--local-port", "5060"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--files", "a/b.cfg"));
    }

    @Test
    void ownAddressesSkipNetworkAndBroadcastLikeEndings() {
        assertEquals("127.1.0.1", Options.usable(Options.address("127.1.0.0")).getHostAddress());
        assertEquals("127.1.0.7", Options.usable(Options.address("127.1.0.7")).getHostAddress());
        assertEquals("127.1.1.1", Options.nextUsable(Options.address("127.1.0.254")).getHostAddress());
        assertEquals("127.1.0.2", Options.nextUsable(Options.address("127.1.0.1")).getHostAddress());
    }

    @Test
    void helpListsEveryOptionAndVendor() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : List.of("--phones", "--vendor", "--model", "--mac-start", "--target", "--source-from",
                "--bind", "--rate", "--concurrency", "--timeout", "--subscribe-timeout", "--notify-timeout",
                "--download-timeout", "--downloads", "--insecure", "--out", "--summary", "--interface", "--ttl",
                "--no-loopback", "--tftp-blksize", "--files")) {
            assertTrue(help.contains(option), option);
        }
        for (Vendor v : Vendor.values()) {
            assertTrue(help.contains(v.id()), v.id());
        }
        assertEquals(2, Main.run(new String[] {"--bogus"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
    }

    @Test
    void fileSpecsExpandPerPhone() {
        FileSpec gs = FileSpec.parse(Vendor.GRANDSTREAM.defaultFiles());
        assertEquals(List.of(new FileSpec.Slot(
                List.of("cfg000b82273b89", "cfg000b82273b89.xml", "cfggxp2140.xml", "cfg.xml"), false)),
                gs.expand("000B82273B89", "GXP2140"));
        FileSpec atcom = FileSpec.parse(Vendor.ATCOM.defaultFiles());
        // a model outside ATCOM's families: only the phone's own file
        assertEquals(List.of(new FileSpec.Slot(List.of("808287010203.cfg"), false)),
                atcom.expand("808287010203", "ATCOM"));
        assertEquals("a000000000010.cfg", Vendor.atcomFamilyFile("A11W"));
        assertEquals("a000000000011.cfg", Vendor.atcomFamilyFile("CT11"));
        assertEquals("a000000000020.cfg", Vendor.atcomFamilyFile("A20W"));
        assertEquals("a000000000040.cfg", Vendor.atcomFamilyFile("A40"));
        assertEquals("a000000000048.cfg", Vendor.atcomFamilyFile("A48W"));
        assertEquals("a000000000068.cfg", Vendor.atcomFamilyFile("A68"));
        assertEquals("d000000000030.cfg", Vendor.atcomFamilyFile("D35"));
        assertEquals("", Vendor.atcomFamilyFile("X1"));
        assertEquals(List.of(new FileSpec.Slot(List.of("snom720.htm"), true),
                new FileSpec.Slot(List.of("snom720-000413000001.htm"), false)),
                FileSpec.parse(Vendor.SNOM.defaultFiles()).expand("000413000001", "snom720"));
        assertThrows(IllegalArgumentException.class, () -> FileSpec.parse(" , "));
        assertThrows(IllegalArgumentException.class, () -> FileSpec.parse("a||b"));
    }
}
