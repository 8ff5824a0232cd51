package pnp.api;

import java.util.List;
import java.util.Objects;

/**
 * What a vendor profile produced for one phone.
 *
 * @param files the files to serve (phone files and common files)
 * @param notifyUrl the URL sent as the NOTIFY body
 * @param notifyContentType {@link #APPLICATION_URL} (a bare URL body, what phones expect) or
 *        {@link #EXTERNAL_BODY} (RFC 6080 content indirection)
 */
public record Rendering(List<ProvisioningFile> files, String notifyUrl, String notifyContentType) {

    public static final String APPLICATION_URL = "application/url";
    public static final String EXTERNAL_BODY = "message/external-body";

    public Rendering {
        files = List.copyOf(files);
        Objects.requireNonNull(notifyUrl, "notifyUrl");
        if (!APPLICATION_URL.equals(notifyContentType) && !EXTERNAL_BODY.equals(notifyContentType)) {
            throw new IllegalArgumentException("unsupported NOTIFY content type: " + notifyContentType);
        }
    }
}
