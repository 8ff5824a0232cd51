package pnp.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a resident phone keeps from the files it downloaded: where to fetch them again (the config
 * server path its vendor writes into them, with the HTTP credentials there) and its SIP account, whose
 * credentials answer a challenged NOTIFY. Read the way each vendor's phone reads its file.
 *
 * @param serverUrl where to download again, empty when the files name no server (the NOTIFY's URL
 *        is used then)
 * @param httpUser HTTP user from the file, may be empty
 * @param httpPassword HTTP password from the file, may be empty
 * @param authId the SIP account's authentication id, empty when unknown
 * @param sipPassword the SIP account's password, empty when unknown
 */
record PhoneFile(String serverUrl, String httpUser, String httpPassword, String authId, String sipPassword) {

    private static final Pattern XML_P = Pattern.compile("<(P[0-9]+)>([^<]*)</\\1>");

    static PhoneFile read(Vendor vendor, List<Downloader.Fetched> files) {
        Map<String, String> v = new HashMap<>();
        for (Downloader.Fetched f : files) {
            switch (vendor) {
                case GRANDSTREAM -> grandstream(f.content(), v);
                case YEALINK -> lines(f.content(), " = ", v);
                case ATCOM -> lines(f.content(), " :", v);
                default -> {
                    // no file format known: the NOTIFY's URL serves again
                }
            }
        }
        return switch (vendor) {
            case GRANDSTREAM -> new PhoneFile(grandstreamUrl(v.get("P212"), v.getOrDefault("P237", "")),
                    v.getOrDefault("P1360", ""), v.getOrDefault("P1361", ""),
                    v.getOrDefault("P36", v.getOrDefault("P35", "")), v.getOrDefault("P34", ""));
            case YEALINK -> new PhoneFile(v.getOrDefault("static.auto_provision.server.url", ""),
                    v.getOrDefault("static.auto_provision.server.username", ""),
                    v.getOrDefault("static.auto_provision.server.password", ""),
                    v.getOrDefault("account.1.auth_name", v.getOrDefault("account.1.user_name", "")),
                    v.getOrDefault("account.1.password", ""));
            case ATCOM -> new PhoneFile(v.getOrDefault("Download Server IP", ""), v.getOrDefault("Download Username", ""),
                    v.getOrDefault("Download Password", ""),
                    v.getOrDefault("SIP1 Auth User", v.getOrDefault("SIP1 Register User", "")),
                    v.getOrDefault("SIP1 Register Pswd", ""));
            default -> new PhoneFile("", "", "", "", "");
        };
    }

    /**
     * The URL to download from again: the file's server with its credentials as URL user information
     * (how {@link HttpGet} takes them), else the URL of the NOTIFY that provisioned the phone.
     */
    String downloadUrl(String notifyUrl) {
        if (serverUrl.isEmpty()) {
            return notifyUrl;
        }
        try {
            URI u = new URI(serverUrl);
            if (httpUser.isEmpty() || u.getHost() == null || !u.getScheme().startsWith("http")) {
                return serverUrl;
            }
            String info = enc(httpUser) + ":" + enc(httpPassword);
            return u.getScheme() + "://" + info + "@" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (URISyntaxException | RuntimeException e) {
            return serverUrl;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** P212 config via (0 TFTP, 1 HTTP, 2 HTTPS) and P237 the server path: a folder URL. */
    private static String grandstreamUrl(String via, String path) {
        if (path.isEmpty()) {
            return "";
        }
        String scheme = switch (via == null ? "1" : via.strip()) {
            case "0" -> "tftp";
            case "2" -> "https";
            default -> "http";
        };
        return scheme + "://" + path + (path.endsWith("/") ? "" : "/");
    }

    /** The XML file's {@code <Pn>value</Pn>}, or the binary file's {@code Pn=v&...} body after its 16-byte header. */
    private static void grandstream(byte[] content, Map<String, String> v) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.contains("<gs_provision")) {
            Matcher m = XML_P.matcher(text);
            while (m.find()) {
                v.put(m.group(1), unescapeXml(m.group(2)));
            }
            return;
        }
        if (content.length <= 16) {
            return;
        }
        String body = new String(content, 16, content.length - 16, StandardCharsets.ISO_8859_1).replace("\0", "");
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                v.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
    }

    private static void lines(byte[] content, String separator, Map<String, String> v) {
        for (String line : new String(content, StandardCharsets.UTF_8).split("\r?\n")) {
            int at = line.indexOf(separator);
            if (at > 0 && !line.startsWith("#") && !line.startsWith("<")) {
                v.put(line.substring(0, at).strip(), line.substring(at + separator.length()).strip());
            }
        }
    }

    private static String unescapeXml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    /** Everything but the passwords. */
    @Override
    public String toString() {
        return "PhoneFile[serverUrl=" + serverUrl + ", httpUser=" + httpUser + ", authId=" + authId + "]";
    }
}
