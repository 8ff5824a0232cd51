package pnp.tftp.internal;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Where the engine finds files: the one thing it asks of the world outside.
 *
 * <p>Threading: called from the engine's event-loop threads; must be thread-safe and must not block.
 */
@FunctionalInterface
interface TftpFiles {

    /**
     * Finds a file.
     *
     * @param name the requested name, already checked to be a plain file name
     * @param requester the client's address
     */
    Answer find(String name, InetAddress requester);

    /** The answer to {@link #find}. */
    sealed interface Answer permits Download, Missing {
    }

    /**
     * A file to send.
     *
     * @param content the bytes, owned by the transfer from now on (not copied again)
     * @param delivered run once, on an event-loop thread, when the client has acknowledged the last block
     */
    record Download(byte[] content, Runnable delivered) implements Answer {
        public Download {
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(delivered, "delivered");
        }
    }

    /** Nothing to send; the reason goes to the debug log only, the client hears "File not found". */
    record Missing(String reason) implements Answer {
        public Missing {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
