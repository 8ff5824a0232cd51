package pnp.vendor.atcom.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import pnp.api.RenderRequest;

/**
 * The URL an ATCOM phone is sent in the NOTIFY and keeps as its provisioning server.
 *
 * <ul>
 * <li>{@code tftp}: {@code tftp://host}, as in ATCOM's guide; the phone then asks for its common and
 * MAC file names itself. The host (and port, when one is given) comes from
 * {@link RenderRequest#tftpBase()}, or {@link RenderRequest#serverHost()} when that is empty.
 * It is the same for every phone and carries nothing secret.</li>
 * <li>{@code http}, {@code https}: {@link RenderRequest#httpBase()}, the phone's private folder
 * (it carries the phone's secret token). When HTTP authentication is on, user and password are
 * added as URL user information.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
enum ProvisioningUrl {
    TFTP, HTTP, HTTPS;

    /**
     * @throws IllegalArgumentException when the setting names no scheme of this enum
     */
    static ProvisioningUrl ofSetting(String scheme) {
        String s = scheme == null ? "" : scheme.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "tftp", "" -> TFTP;
            case "http" -> HTTP;
            case "https" -> HTTPS;
            default -> throw new IllegalArgumentException(
                    "urlScheme '" + AtcomText.value(scheme) + "' is not one of tftp, http, https");
        };
    }

    /** The scheme's name as written in settings and URLs. */
    String scheme() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The NOTIFY body for this phone: its {@link #location} with HTTP credentials, if any. Secret. */
    String forPhone(RenderRequest request) {
        String base = location(request);
        if (this == TFTP || request.httpUser().isEmpty()) {
            return base;
        }
        int authority = base.indexOf("://");
        if (authority < 0) {
            throw new IllegalArgumentException("HTTP base URL without a scheme: " + base);
        }
        return base.substring(0, authority + 3) + userInfo(request.httpUser()) + ':'
                + userInfo(request.httpPassword()) + '@' + base.substring(authority + 3);
    }

    /** Where this phone's files are, without credentials; secret for HTTP (it carries the token). */
    String location(RenderRequest request) {
        return this == TFTP ? tftpServer(request) : request.httpBase();
    }

    /** The URL every phone may see, or empty when the scheme has none (HTTP URLs are per phone). */
    String forEveryPhone(RenderRequest request) {
        return this == TFTP ? tftpServer(request) : "";
    }

    private static String tftpServer(RenderRequest request) {
        if (!request.tftpBase().isEmpty()) {
            try {
                URI uri = new URI(request.tftpBase());
                if (uri.getHost() != null) {
                    return "tftp://" + uri.getHost() + (uri.getPort() > 0 && uri.getPort() != 69 ? ":" + uri.getPort() : "");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("TFTP base URL is not a URL: " + request.tftpBase(), e);
            }
        }
        String host = request.serverHost();
        boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return "tftp://" + (ipv6 ? "[" + host + "]" : host);
    }

    private static String userInfo(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
