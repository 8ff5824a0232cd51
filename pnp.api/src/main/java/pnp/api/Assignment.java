package pnp.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the administrator assigned to one phone: the account it registers and the keys it shows.
 * Assignments are kept as Config Admin factory configurations of {@link #FACTORY_PID}.
 *
 * @param mac the phone
 * @param extension the extension number
 * @param sipUserId SIP user id (defaults to the extension)
 * @param authId authentication id (defaults to the SIP user id)
 * @param password SIP password, never empty
 * @param displayName caller name, may be empty
 * @param sipServer SIP registrar host, empty for the profile's default
 * @param sipPort SIP registrar port, 0 for the profile's default
 * @param voicemail voicemail access number, may be empty
 * @param codecs preferred codecs in order ({@code PCMU}, {@code PCMA}, {@code G722}, {@code G729},
 *        {@code OPUS}, ...), empty for the profile's default
 * @param lineKeys programmable keys
 * @param overrides vendor-specific settings written as-is (e.g. Grandstream {@code P64} → {@code 720}),
 *        applied after everything else
 */
public record Assignment(
        MacAddress mac,
        String extension,
        String sipUserId,
        String authId,
        String password,
        String displayName,
        String sipServer,
        int sipPort,
        String voicemail,
        List<String> codecs,
        List<LineKey> lineKeys,
        Map<String, String> overrides) {

    /** Factory PID of assignment configurations ({@code deploy/pnp.phone-<name>.cfg}). */
    public static final String FACTORY_PID = "pnp.phone";

    public Assignment {
        Objects.requireNonNull(mac, "mac");
        if (extension == null || extension.isBlank()) {
            throw new IllegalArgumentException("an assignment needs an extension");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("an assignment needs a SIP password");
        }
        sipUserId = sipUserId == null || sipUserId.isBlank() ? extension : sipUserId;
        authId = authId == null || authId.isBlank() ? sipUserId : authId;
        displayName = Objects.requireNonNullElse(displayName, "");
        sipServer = Objects.requireNonNullElse(sipServer, "");
        if (sipPort < 0 || sipPort > 65535) {
            throw new IllegalArgumentException("SIP port out of range: " + sipPort);
        }
        voicemail = Objects.requireNonNullElse(voicemail, "");
        codecs = List.copyOf(Objects.requireNonNullElse(codecs, List.of()));
        lineKeys = List.copyOf(Objects.requireNonNullElse(lineKeys, List.of()));
        overrides = Map.copyOf(Objects.requireNonNullElse(overrides, Map.of()));
    }

    /** Everything but the password, for logs. */
    @Override
    public String toString() {
        return "Assignment[mac=" + mac + ", extension=" + extension + ", sipUserId=" + sipUserId
                + ", authId=" + authId + ", displayName=" + displayName + ", sipServer=" + sipServer
                + ", sipPort=" + sipPort + ", codecs=" + codecs + ", lineKeys=" + lineKeys.size() + "]";
    }
}
