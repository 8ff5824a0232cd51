package pnp.sip.internal;

import java.text.ParseException;
import java.util.Arrays;
import java.util.Set;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

/** Reads a datagram into a SIP message as the stack reads its own. */
final class SipMessageReader {

    /** Headers without which a message cannot be answered or framed: the stack drops a message when one is broken. */
    private static final Set<Class<?>> ESSENTIAL_HEADERS = Set.of(From.class, To.class, CSeq.class, Via.class,
            CallID.class, ContentLength.class, RequestLine.class, StatusLine.class);
    /**
     * A broken header that identifies the message or its framing drops the datagram; any other (e.g. an Event
     * with blanks between its parameters) is kept as an unparsed line, where PnpSubscribe still reads it.
     */
    private static final ParseExceptionListener KEEP_UNPARSED = (ex, msg, headerClass, headerText, messageText) -> {
        if (ESSENTIAL_HEADERS.contains(headerClass)) {
            throw ex;
        }
        msg.addUnparsed(headerText);
    };
    private final StringMsgParser parser = new StringMsgParser();

    SIPMessage read(byte[] data, int length) throws ParseException {
        return parser.parseSIPMessage(Arrays.copyOf(data, length), true, false, KEEP_UNPARSED);
    }
}
