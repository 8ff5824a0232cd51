package pnp.jainsip;

import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * The stack property {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY=pnp.jainsip.SelectiveParserFactory}
 * makes the stack parse incoming messages with a {@link SelectiveMsgParser} for
 * {@link SelectiveMsgParser#PNP_HEADERS}. The stack loads this class by name with its own class loader
 * ({@code Class.forName} in {@code SipStackImpl}), which is why it lives in this bundle.
 */
public class SelectiveParserFactory implements MessageParserFactory {

    /** Holds no state: the stack asks for a parser per message channel, each thread may share this one. */
    private static final SelectiveMsgParser PARSER = new SelectiveMsgParser();

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return PARSER;
    }
}
