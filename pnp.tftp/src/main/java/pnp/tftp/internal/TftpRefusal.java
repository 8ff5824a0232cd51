package pnp.tftp.internal;

/**
 * A request the engine answers with a TFTP ERROR packet.
 *
 * <p>{@link #code()} and {@link #clientMessage()} go to the client; {@link #getMessage()} (the reason) goes
 * to the log only.
 */
final class TftpRefusal extends Exception {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String clientMessage;

    TftpRefusal(int code, String clientMessage, String reason) {
        super(reason, null, false, false);
        this.code = code;
        this.clientMessage = clientMessage;
    }

    int code() {
        return code;
    }

    String clientMessage() {
        return clientMessage;
    }
}
