package pnp.api;

import java.util.Objects;

/**
 * Everything a vendor profile needs to render one phone's files and NOTIFY URL.
 *
 * @param assignment the phone's account
 * @param model the model as last heard, may be empty for a phone pre-assigned but not yet heard
 * @param serverHost host (name or address) phones use to reach this server
 * @param httpBase base URL of the phone's private folder on the HTTP server, ending in {@code /},
 *        e.g. {@code http://192.0.2.10:5481/provisioning/3q2-…/}; it carries the phone's secret token
 * @param tftpBase base URL of the TFTP server, e.g. {@code tftp://192.0.2.10}, empty when TFTP is off
 * @param httpUser user name for HTTP authentication of provisioning downloads, empty when off
 * @param httpPassword its password, empty when off
 * @param revision a number that grows whenever the phone's inputs change (never for the same inputs)
 */
public record RenderRequest(
        Assignment assignment,
        String model,
        String serverHost,
        String httpBase,
        String tftpBase,
        String httpUser,
        String httpPassword,
        long revision) {

    public RenderRequest {
        Objects.requireNonNull(assignment, "assignment");
        model = Objects.requireNonNullElse(model, "");
        Objects.requireNonNull(serverHost, "serverHost");
        Objects.requireNonNull(httpBase, "httpBase");
        tftpBase = Objects.requireNonNullElse(tftpBase, "");
        httpUser = Objects.requireNonNullElse(httpUser, "");
        httpPassword = Objects.requireNonNullElse(httpPassword, "");
    }

    public MacAddress mac() {
        return assignment.mac();
    }

    @Override
    public String toString() {
        return "RenderRequest[" + assignment + ", model=" + model + ", serverHost=" + serverHost
                + ", revision=" + revision + "]";
    }
}
