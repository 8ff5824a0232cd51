package pnp.sip.internal;

import java.text.ParseException;
import java.util.Set;

import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import pnp.jainsip.SelectiveMsgParser;

/**
 * Reads datagrams into SIP messages under one rule for both paths: {@link StrictSyntax} first, then the
 * stack's parser, then the ranges the parser does not check. The group socket calls {@link #read}; the stack
 * uses the same reading through {@link #createMessageParser} (its {@code MESSAGE_PARSER_FACTORY}), which
 * also keeps the stack from logging what it could not read: it reports the rejection (source and cause, no
 * message bytes) to {@link Rejections} and throws, and the stack then answers a request with 400 where it can
 * form a response (Via, From, To, Call-ID, CSeq present) and logs only at DEBUG. A request in a SIP
 * version other than 2.0 goes on to the listener marked with {@link StrictSyntax.Violation#VERSION} as its
 * application data (the stack's parser reads every version as 2.0), and is answered 505 there. Thread-safe.
 */
final class SipMessageReader implements MessageParserFactory {

    /** A datagram broke the strict rule. */
    static final class Invalid extends ParseException {
        private static final long serialVersionUID = 1L;
        final StrictSyntax.Violation violation;

        Invalid(StrictSyntax.Violation violation) {
            super(violation.reason, 0);
            this.violation = violation;
        }
    }

    /** Where rejections are told; called on the receiving threads. */
    interface Rejections {
        /** @param cause fixed text or escaped text, never raw input */
        void rejected(String source, String cause);
    }

    /** Headers without which a message cannot be answered or framed: the stack drops a message when one is broken. */
    private static final Set<Class<?>> ESSENTIAL_HEADERS = Set.of(From.class, To.class, CSeq.class, Via.class,
            CallID.class, ContentLength.class, RequestLine.class, StatusLine.class);
    /**
     * A broken header that identifies the message or its framing drops the datagram; any other (e.g. an Event
     * with blanks between its parameters) is kept as an unparsed line, where PnpSubscribe still reads it.
     * The stack's own listener does the same, but logs each such header with a stack trace.
     */
    private static final ParseExceptionListener KEEP_UNPARSED = (ex, msg, headerClass, headerText, messageText) -> {
        if (ESSENTIAL_HEADERS.contains(headerClass)) {
            throw ex;
        }
        msg.addUnparsed(headerText);
    };
    private final StringMsgParser parser = new SelectiveMsgParser();
    private final Rejections rejections;

    SipMessageReader(Rejections rejections) {
        this.rejections = rejections;
    }

    /**
     * @param datagram exactly the datagram's bytes, kept by the message
     * @return the message, or null for a keep-alive (line ends only)
     * @throws Invalid when the strict rule is broken
     * @throws ParseException when the stack's parser cannot read it
     */
    SIPMessage read(byte[] datagram) throws ParseException {
        StrictSyntax.Violation v = StrictSyntax.check(datagram, datagram.length);
        if (v != null) {
            throw new Invalid(v);
        }
        SIPMessage message = parser.parseSIPMessage(datagram, true, false, KEEP_UNPARSED);
        if (message != null && !portsInRange(message)) {
            throw new Invalid(StrictSyntax.Violation.PORT);
        }
        return message;
    }

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return (datagram, readBody, strict, channel) -> {
            try {
                return read(datagram);
            } catch (Invalid e) {
                rejections.rejected(source(channel), e.violation.reason);
                if (e.violation == StrictSyntax.Violation.VERSION) {
                    // the stack reads any version as 2.0: the message goes on marked, and is answered 505
                    SIPMessage message = parser.parseSIPMessage(datagram, true, false, KEEP_UNPARSED);
                    if (message != null) {
                        message.setApplicationData(e.violation);
                        return message;
                    }
                }
                throw e;
            } catch (ParseException e) {
                rejections.rejected(source(channel), "unreadable: " + LogText.of(e.getMessage()));
                throw e;
            } catch (RuntimeException e) {
                // the parser's own bugs must not reach the stack's handler, which logs the whole receive buffer
                rejections.rejected(source(channel), "unreadable: " + LogText.of(e.toString()));
                throw new ParseException("unreadable", 0);
            }
        };
    }

    private static String source(ParseExceptionListener channel) {
        return channel instanceof MessageChannel c ? c.getPeerAddress() : "";
    }

    private static boolean portsInRange(SIPMessage message) {
        for (Object via : message.getViaHeaders() == null ? java.util.List.of() : message.getViaHeaders()) {
            if (((Via) via).getPort() > 65535) {
                return false;
            }
        }
        if (message.getHeader(ContactHeader.NAME) instanceof ContactHeader contact && contact.getAddress() != null
                && contact.getAddress().getURI() instanceof SipURI uri && uri.getPort() > 65535) {
            return false;
        }
        return !(message instanceof Request request && request.getRequestURI() instanceof SipURI uri
                && uri.getPort() > 65535);
    }
}
