package pnp.jainsip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.ExtensionHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import gov.nist.javax.sip.RequestEventExt;

/** The parser factory and the valve plugged into a real stack by its properties, on loopback. */
class StackWiringTest {

    /** What the listener saw of one request. */
    record Seen(RequestEvent event, boolean viaValve) {
    }

    private SipStack stack;
    private SipProvider provider;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private volatile boolean failNext;

    void start(Properties extra) throws Exception {
        Properties props = new Properties();
        props.setProperty("javax.sip.STACK_NAME", "wiring-" + System.nanoTime());
        props.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        props.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        props.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        props.putAll(extra);
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        stack = factory.createSipStack(props);
        MessageFactory messages = factory.createMessageFactory();
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = probe.getLocalPort();
        }
        ListeningPoint lp = stack.createListeningPoint("127.0.0.1", port, ListeningPoint.UDP);
        provider = stack.createSipProvider(lp);
        provider.addSipListener(new SipListener() {
            @Override
            public void processRequest(RequestEvent event) {
                boolean viaValve = Arrays.stream(new Throwable().getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(StatelessValve.class.getName()));
                seen.add(new Seen(event, viaValve));
                if (failNext) {
                    failNext = false;
                    throw new IllegalStateException("listener failed on purpose");
                }
                try {
                    Request request = event.getRequest();
                    if (request.getMethod().equals(Request.ACK)) {
                        return;
                    }
                    Response response = messages.createResponse(Response.OK, request);
                    ((ToHeader) response.getHeader(ToHeader.NAME)).setTag("ours");
                    provider.sendResponse(response);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void processResponse(ResponseEvent e) {
            }

            @Override
            public void processTimeout(TimeoutEvent e) {
            }

            @Override
            public void processIOException(IOExceptionEvent e) {
            }

            @Override
            public void processTransactionTerminated(TransactionTerminatedEvent e) {
            }

            @Override
            public void processDialogTerminated(DialogTerminatedEvent e) {
            }
        });
        stack.start();
    }

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.stop();
        }
    }

    private String exchange(String text, boolean expectAnswer) throws Exception {
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            phone.setSoTimeout(expectAnswer ? 10_000 : 1_000);
            int port = provider.getListeningPoint(ListeningPoint.UDP).getPort();
            byte[] b = text.replace("10.0.0.41:5059", "127.0.0.1:" + phone.getLocalPort())
                    .getBytes(StandardCharsets.UTF_8);
            phone.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
            byte[] buf = new byte[4096];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            try {
                phone.receive(in);
            } catch (java.net.SocketTimeoutException e) {
                if (expectAnswer) {
                    throw e;
                }
                return null;
            }
            return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
        }
    }

    private static String yealink(String callId) {
        return Samples.SUBSCRIBES.get("yealink").replace("1902442564@10.0.0.41", callId);
    }

    @Test
    void theStackParsesWithTheSelectiveParserWhenToldTo() throws Exception {
        Properties p = new Properties();
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", SelectiveParserFactory.class.getName());
        start(p);
        String answer = exchange(yealink("w1"), true);
        assertTrue(answer.startsWith("SIP/2.0 200 OK"), answer);
        Request r = seen.poll(10, TimeUnit.SECONDS).event().getRequest();
        assertInstanceOf(ExtensionHeader.class, r.getHeader("Accept"));
        assertEquals("application/url", ((ExtensionHeader) r.getHeader("Accept")).getValue());
        assertFalse(r.getHeader("Event") instanceof ExtensionHeader);
    }

    @Test
    void withoutTheFactoryTheStackParsesEverything() throws Exception {
        start(new Properties());
        exchange(yealink("w2"), true);
        Request r = seen.poll(10, TimeUnit.SECONDS).event().getRequest();
        assertFalse(r.getHeader("Accept") instanceof ExtensionHeader);
    }

    @Test
    void theValveHandsListedMethodsToTheListenerWithoutATransaction() throws Exception {
        Properties p = new Properties();
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StatelessValve.class.getName());
        start(p);
        String answer = exchange(yealink("v1").replace("branch=z9hG4bK2086374712", "branch=z9hG4bK2086374712;rport"), true);
        assertTrue(answer.startsWith("SIP/2.0 200 OK"), answer);
        assertTrue(answer.contains("Call-ID: v1"), answer);
        assertTrue(answer.matches("(?s).*;rport=\\d+.*"), answer); // the stack's own Via handling came first
        Seen s = seen.poll(10, TimeUnit.SECONDS);
        assertTrue(s.viaValve());
        assertNull(s.event().getServerTransaction());
        assertNull(s.event().getDialog());
        assertEquals("127.0.0.1", ((RequestEventExt) s.event()).getRemoteIpAddress());
        assertEquals(Request.SUBSCRIBE, s.event().getRequest().getMethod());

        // A method not listed takes the stack's way.
        String message = yealink("v2").replace("SUBSCRIBE sip:", "MESSAGE sip:").replace("1 SUBSCRIBE", "1 MESSAGE");
        answer = exchange(message, true);
        assertTrue(answer.startsWith("SIP/2.0 200 OK"), answer);
        s = seen.poll(10, TimeUnit.SECONDS);
        assertFalse(s.viaValve());
    }

    @Test
    void theValveTakesTheMethodsFromTheStackProperties() throws Exception {
        Properties p = new Properties();
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StatelessValve.class.getName());
        p.setProperty(StatelessValve.METHODS_PROPERTY, "message");
        start(p);
        exchange(yealink("m1"), true);
        assertFalse(seen.poll(10, TimeUnit.SECONDS).viaValve());
        exchange(yealink("m2").replace("SUBSCRIBE sip:", "MESSAGE sip:").replace("1 SUBSCRIBE", "1 MESSAGE"), true);
        assertTrue(seen.poll(10, TimeUnit.SECONDS).viaValve());
    }

    @Test
    void aListenerFailureDropsThatRequestOnlyAndTheNextIsAnswered() throws Exception {
        Properties p = new Properties();
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StatelessValve.class.getName());
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", SelectiveParserFactory.class.getName());
        start(p);
        failNext = true;
        assertNull(exchange(yealink("f1"), false));
        assertNotNull(seen.poll(10, TimeUnit.SECONDS));
        String answer = exchange(yealink("f2"), true);
        assertTrue(answer.startsWith("SIP/2.0 200 OK") && answer.contains("Call-ID: f2"), answer);
    }

    @Test
    void aBrokenIdentifyingHeaderIsStillRefusedByTheStackWithTheSelectiveParser() throws Exception {
        Properties p = new Properties();
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StatelessValve.class.getName());
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", SelectiveParserFactory.class.getName());
        start(p);
        String answer = exchange(yealink("b1").replace("CSeq: 1 SUBSCRIBE", "CSeq: one SUBSCRIBE"), true);
        assertTrue(answer.startsWith("SIP/2.0 400"), answer);
        assertNull(seen.poll(500, TimeUnit.MILLISECONDS));
    }
}
