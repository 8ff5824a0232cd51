package pnp.jainsip;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

/**
 * Parse time (CPU time of the parsing thread) per message, stock parser against {@link SelectiveMsgParser}: a benchmark to run by hand
 * (not a test). Run it once with the server's JIT ({@code -XX:TieredStopAtLevel=1}) and once with the
 * default. Arguments: rounds (default 5), messages per round (default 200000).
 */
public final class ParseBench {

    /** The stack's listener: a broken essential header drops the message, any other becomes an unparsed line. */
    static final ParseExceptionListener STACK_LIKE = (ex, msg, hdrClass, header, message) -> {
        if (hdrClass != null && (hdrClass == gov.nist.javax.sip.header.From.class
                || hdrClass == gov.nist.javax.sip.header.To.class || hdrClass == gov.nist.javax.sip.header.CSeq.class
                || hdrClass == gov.nist.javax.sip.header.Via.class || hdrClass == gov.nist.javax.sip.header.CallID.class
                || hdrClass == gov.nist.javax.sip.header.ContentLength.class
                || hdrClass == gov.nist.javax.sip.header.RequestLine.class
                || hdrClass == gov.nist.javax.sip.header.StatusLine.class)) {
            throw ex;
        }
        msg.addUnparsed(header);
    };

    private static volatile Object sink;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        System.out.println("JVM: " + System.getProperty("java.vm.version") + " "
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        run("SUBSCRIBE (5 vendors)", Samples.SUBSCRIBES, rounds, perRound);
        run("200 OK to NOTIFY (2 forms)", Samples.NOTIFY_ANSWERS, rounds, perRound);
    }

    static void run(String what, Map<String, String> messages, int rounds, int perRound) throws ParseException {
        List<byte[]> msgs = new ArrayList<>();
        messages.values().forEach(m -> msgs.add(Samples.bytes(m)));
        MessageParser stock = new StringMsgParser();
        MessageParser selective = new SelectiveMsgParser();
        // Only what identifies and frames a message, and the Contact: Event and User-Agent are read as text.
        MessageParser minimal = new SelectiveMsgParser(
                java.util.Set.of("via", "from", "to", "call-id", "cseq", "content-length", "contact"));
        // Interleaved rounds so that none gets a warmer JIT or a quieter machine.
        List<Double> s = new ArrayList<>();
        List<Double> t = new ArrayList<>();
        List<Double> u = new ArrayList<>();
        time(stock, msgs, perRound);
        time(selective, msgs, perRound);
        time(minimal, msgs, perRound);
        for (int r = 0; r < rounds; r++) {
            s.add(time(stock, msgs, perRound));
            t.add(time(selective, msgs, perRound));
            u.add(time(minimal, msgs, perRound));
        }
        double ms = median(s);
        double mt = median(t);
        double mu = median(u);
        System.out.printf("%-28s stock %6.2f us  selective %6.2f us (%.0f%% less)  minimal set %6.2f us (%.0f%% less)%n"
                + "    rounds: stock %s selective %s minimal %s%n",
                what, ms, mt, 100 * (1 - mt / ms), mu, 100 * (1 - mu / ms), fmt(s), fmt(t), fmt(u));
    }

    static double time(MessageParser parser, List<byte[]> msgs, int n) throws ParseException {
        long start = CPU.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            SIPMessage m = parser.parseSIPMessage(msgs.get(i % msgs.size()), true, false, STACK_LIKE);
            sink = m;
        }
        return (CPU.getCurrentThreadCpuTime() - start) / 1000.0 / n;
    }

    static double median(List<Double> xs) {
        List<Double> c = new ArrayList<>(xs);
        c.sort(null);
        return c.get(c.size() / 2);
    }

    static String fmt(List<Double> xs) {
        StringBuilder b = new StringBuilder("[");
        for (double x : xs) {
            b.append(b.length() > 1 ? " " : "").append(String.format("%.2f", x));
        }
        return b.append(']').toString();
    }
}
