package pnp.sip.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.Lexer;
import pnp.api.MacAddress;

/**
 * What a PnP {@code SUBSCRIBE} tells about the phone, read liberally from every vendor's form:
 * MAC as {@code MAC%3A…}, {@code MAC%3a…}, {@code MAC:…}, {@code MAC=…} or bare {@code MAC…} in the
 * Request-URI or From user, or else from the User-Agent; Event parameters quoted or not, separated by
 * {@code ;} or blanks, {@code vender} for {@code vendor}; vendor and model also from the User-Agent.
 *
 * @param mac the MAC address, empty when none could be read
 * @param vendor as named by the phone, may be empty
 * @param model may be empty
 * @param firmware may be empty
 * @param profileType the Event's {@code profile-type}, may be empty
 * @param userAgent may be empty
 * @param contactHost where the NOTIFY goes
 * @param contactPort its port
 */
record PnpSubscribe(Optional<MacAddress> mac, String vendor, String model, String firmware, String profileType,
        String userAgent, String contactHost, int contactPort) {

    /** The Event package of SIP UA profile delivery (RFC 6080). */
    static final String EVENT_PACKAGE = "ua-profile";
    /** Longest vendor, model, firmware or User-Agent handed on; phones send a few dozen characters. */
    static final int MAX_FIELD = 256;

    private static final Pattern MAC_USER = Pattern.compile("(?i)^mac[:=]?((?:[0-9a-f]{2}[:.-]?){5}[0-9a-f]{2})$");
    private static final Pattern MAC_IN_TEXT = Pattern.compile("(?i)(?<![0-9a-f])([0-9a-f]{12})(?![0-9a-f])");
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9a-fA-F:.]+(?:%[0-9a-zA-Z._-]+)?]?");

    /**
     * The raw value of the Event header, also in its compact form {@code o:}; empty when absent. An Event
     * header the stack's parser could not read (e.g. blanks instead of semicolons between parameters, as
     * some Gigaset firmware sends) is not a header of the message but one of its unparsed lines: its text
     * is taken from there, so that a unicast SUBSCRIBE is read as liberally as a multicast one.
     */
    static String eventValue(Request request) {
        Header h = request.getHeader("Event");
        if (h == null) {
            h = request.getHeader("o");
        }
        if (h == null && request instanceof SIPMessage m) {
            for (Iterator<String> it = m.getUnrecognizedHeaders(); it.hasNext();) {
                String line = it.next();
                String name = Lexer.getHeaderName(line);
                if ("event".equalsIgnoreCase(name) || "o".equalsIgnoreCase(name)) {
                    return Lexer.getHeaderValue(line).trim();
                }
            }
        }
        return headerValue(h);
    }

    /** The Event package name: the header's value up to the first parameter. */
    static String eventPackage(String eventValue) {
        int semi = eventValue.indexOf(';');
        String pkg = semi < 0 ? eventValue : eventValue.substring(0, semi);
        int blank = pkg.indexOf(' ');
        return (blank < 0 ? pkg : pkg.substring(0, blank)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a SUBSCRIBE whose Event is {@value #EVENT_PACKAGE}.
     *
     * @param eventValue the raw Event header value
     * @param sourceHost where the datagram came from, used when the Contact is missing
     * @param sourcePort its port
     */
    static PnpSubscribe read(Request request, String eventValue, String sourceHost, int sourcePort) {
        Map<String, String> params = eventParameters(eventValue);
        String ua = headerValue(request.getHeader(UserAgentHeader.NAME));
        Optional<MacAddress> mac = macFromUri(request.getRequestURI());
        if (mac.isEmpty()) {
            FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
            mac = from == null ? Optional.empty() : macFromUri(from.getAddress().getURI());
        }
        if (mac.isEmpty()) {
            ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
            mac = to == null ? Optional.empty() : macFromUri(to.getAddress().getURI());
        }
        if (mac.isEmpty()) {
            mac = macFromText(ua);
        }
        String vendor = params.getOrDefault("vendor", params.getOrDefault("vender", ""));
        String model = params.getOrDefault("model", "");
        String firmware = params.getOrDefault("version", "");
        String[] uaWords = ua.trim().split("\\s+");
        if (vendor.isEmpty() && uaWords.length > 0) {
            vendor = uaWords[0];
        }
        boolean uninformative = model.isEmpty() || "OEM".equalsIgnoreCase(model) || model.equalsIgnoreCase(vendor);
        if (uninformative && uaWords.length > 1) {
            model = uaWords[1];
        }
        if (firmware.isEmpty() && uaWords.length > 2) {
            firmware = uaWords[uaWords.length - 1];
        }
        String host = sourceHost;
        int port = sourcePort;
        ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
        if (contact != null && contact.getAddress() != null && contact.getAddress().getURI() instanceof SipURI uri) {
            host = uri.getHost();
            port = uri.getPort() > 0 ? uri.getPort() : 5060;
        } else {
            ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
            if (via != null && via.getHost() != null) {
                host = via.getHost();
                port = via.getPort() > 0 ? via.getPort() : 5060;
            }
        }
        if (!isIpLiteral(host)) {
            // A name would be resolved by the thread that sends every NOTIFY (a slow or hostile DNS server
            // stalls them all); phones give their address, so a name goes to where the datagram came from.
            host = sourceHost;
        }
        return new PnpSubscribe(mac, LogText.field(vendor, MAX_FIELD), LogText.field(model, MAX_FIELD),
                LogText.field(firmware, MAX_FIELD), LogText.field(params.getOrDefault("profile-type", ""), MAX_FIELD),
                LogText.field(ua, MAX_FIELD), host, port);
    }

    /** An IPv4 address in dotted form or an IPv6 address (bracketed or not); no name. */
    static boolean isIpLiteral(String host) {
        return host != null && (IPV4.matcher(host).matches() || host.indexOf(':') >= 0 && IPV6.matcher(host).matches());
    }

    static Optional<MacAddress> macFromUri(URI uri) {
        if (!(uri instanceof SipURI sip) || sip.getUser() == null) {
            return Optional.empty();
        }
        String user;
        try {
            user = URLDecoder.decode(sip.getUser().replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            user = sip.getUser();
        }
        Matcher m = MAC_USER.matcher(user.trim());
        return m.matches() ? MacAddress.parse(m.group(1)) : Optional.empty();
    }

    static Optional<MacAddress> macFromText(String text) {
        Matcher m = MAC_IN_TEXT.matcher(text);
        return m.find() ? MacAddress.parse(m.group(1)) : Optional.empty();
    }

    /**
     * Event parameters, names lower-cased, values unquoted. Parameters may be separated by {@code ;}
     * or white space; quoted values may contain either.
     */
    static Map<String, String> eventParameters(String eventValue) {
        Map<String, String> params = new HashMap<>();
        int semi = eventValue.indexOf(';');
        int blank = eventValue.indexOf(' ');
        int start = semi < 0 ? blank : (blank < 0 ? semi : Math.min(semi, blank));
        if (start < 0) {
            return params;
        }
        StringBuilder name = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean inValue = false;
        boolean quoted = false;
        for (int i = start; i <= eventValue.length(); i++) {
            char c = i < eventValue.length() ? eventValue.charAt(i) : ';';
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else {
                    value.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ';' || Character.isWhitespace(c)) {
                if (name.length() > 0 && (inValue || c == ';' || i == eventValue.length())) {
                    params.putIfAbsent(name.toString().trim().toLowerCase(Locale.ROOT), value.toString().trim());
                    name.setLength(0);
                    value.setLength(0);
                    inValue = false;
                }
            } else if (c == '=' && !inValue) {
                inValue = true;
            } else if (inValue) {
                value.append(c);
            } else {
                name.append(c);
            }
        }
        return params;
    }

    private static String headerValue(Header h) {
        if (h == null) {
            return "";
        }
        String s = h.toString();
        int colon = s.indexOf(':');
        return (colon < 0 ? s : s.substring(colon + 1)).trim();
    }
}
