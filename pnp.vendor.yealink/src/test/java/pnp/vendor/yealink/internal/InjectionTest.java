package pnp.vendor.yealink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import pnp.api.Assignment;
import pnp.api.LineKey;
import pnp.api.RenderRequest;

/**
 * Values from administrators and the network cannot add lines to a phone's file: the file is parsed as
 * a Yealink phone would, one {@code key = value} per line, and every key must be one the profile wrote.
 */
class InjectionTest {

    static final Pattern LINE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]*) = (.*)");
    static final String BREAKS = "\n\r\u0085\u2028\u2029\u000b\f\u0000\u202e\u200b\t";

    private static Map<String, String> parse(String text) {
        List<String> lines = text.lines().toList();
        assertEquals(YealinkFile.HEADER, lines.get(0));
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "not a key = value line: '" + line + "'");
            assertEquals(null, values.put(m.group(1), m.group(2)), "key written twice: " + m.group(1));
        }
        return values;
    }

    @Test
    void everyLineBreakingCharacterIsDroppedFromEveryValue() {
        String evil = "x" + BREAKS.chars().mapToObj(c -> (char) c + "account.1.sip_server.1.address = evil.example")
                .reduce("", String::concat);
        Assignment a = new Assignment(Fixtures.MAC, "201" + "\nlinekey.1.type = 1", "user\r\nstatic.x = 1", "auth",
                "pw = #x\n#!version:9", "Bob <&>\"\n P2=evil" + evil, "pbx\u2028static.y = 1", 0, "*97\nz = 1",
                List.of(), List.of(new LineKey(1, LineKey.Type.SPEED_DIAL, "1\nlinekey.2.type = 16", "L\u0085abel")),
                Map.of("features.x", "on" + evil));
        RenderRequest r = new RenderRequest(a, "T46S\nstatic.z = 1", "192.0.2.10", Fixtures.HTTP_BASE + "\n", "",
                "", "", 1);
        String text = RenderTest.text(Fixtures.profile().render(r));
        Map<String, String> values = parse(text);
        assertEquals(List.of("account.1.enable", "account.1.label", "account.1.display_name", "account.1.auth_name",
                "account.1.user_name", "account.1.password", "account.1.sip_server.1.address",
                "account.1.sip_server.1.port", "voice_mail.number.1", "linekey.1.type", "linekey.1.line",
                "linekey.1.value", "linekey.1.label", "static.auto_provision.server.url", "sip.notify_reboot_enable",
                "features.x"),
                List.copyOf(values.keySet()), text);
        assertEquals("pw = #x#!version:9", values.get("account.1.password"), "= and # inside a value are kept");
        assertTrue(values.get("account.1.display_name")
                .startsWith("Bob <&>\" P2=evilxaccount.1.sip_server.1.address = evil.exampleaccount.1"),
                values.get("account.1.display_name"));
        assertEquals("pbxstatic.y = 1", values.get("account.1.sip_server.1.address"));
        assertEquals("1linekey.2.type = 16", values.get("linekey.1.value"));
        assertEquals("Label", values.get("linekey.1.label"));
        for (String value : values.values()) {
            assertTrue(value.chars().noneMatch(c -> BREAKS.indexOf(c) >= 0), value);
        }
    }

    @Test
    void overrideKeysCannotCarryLines() {
        for (String key : List.of("a\nb", "x =", "#!version", "", " a", "a b", "ä")) {
            Assignment a = new Assignment(Fixtures.MAC, "201", null, null, "s3cret", null, null, 0, null, null, null,
                    Map.of(key, "1"));
            RenderRequest r = new RenderRequest(a, "T46S", "192.0.2.10", Fixtures.HTTP_BASE, "", "", "", 1);
            try {
                Fixtures.profile().render(r);
                throw new AssertionError("accepted override key '" + key + "'");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().chars().noneMatch(c -> c == '\n'), expected.getMessage());
            }
        }
    }
}
