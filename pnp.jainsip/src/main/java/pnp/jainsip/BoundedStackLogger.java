package pnp.jainsip;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.core.StackLogger;

/**
 * JAIN-SIP's log, bounded: the stack puts network input into its log lines (a whole message, or a 64 KB
 * receive buffer as decimal numbers when a datagram breaks its handling). Here every line is cut to
 * {@value #MAX_CHARS} characters with control characters escaped, exceptions are logged as one line
 * without their stack trace (the trace only at DEBUG), and at most {@value #LINES_PER_WINDOW} lines at
 * WARN or above go out per 10 s, the next one saying how many were left out; the stack's INFO is logged
 * at DEBUG. Logs to slf4j logger
 * {@code gov.nist.javax.sip}. Named by {@code gov.nist.javax.sip.STACK_LOGGER}; lives in this bundle
 * because the stack loads it by class name.
 */
public class BoundedStackLogger implements StackLogger {

    static final int MAX_CHARS = 300;
    static final int LINES_PER_WINDOW = 10;
    private static final long WINDOW_NANOS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");
    private static final AtomicLong WINDOW_START = new AtomicLong(System.nanoTime());
    private static final AtomicLong LINES = new AtomicLong();
    private static final AtomicLong SUPPRESSED = new AtomicLong();

    /** The text made safe for one log line. */
    static String bounded(String s) {
        if (s == null) {
            return "";
        }
        int n = Math.min(s.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(n + 24);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f) {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                out.append(c);
            }
        }
        if (s.length() > n) {
            out.append("...(").append(s.length()).append(" chars)");
        }
        return out.toString();
    }

    private static boolean admit() {
        long now = System.nanoTime();
        long start = WINDOW_START.get();
        if (now - start >= WINDOW_NANOS && WINDOW_START.compareAndSet(start, now)) {
            LINES.set(0);
        }
        if (LINES.incrementAndGet() > LINES_PER_WINDOW) {
            SUPPRESSED.incrementAndGet();
            return false;
        }
        return true;
    }

    private static String withSuppressed(String message) {
        long left = SUPPRESSED.getAndSet(0);
        return left == 0 ? bounded(message) : bounded(message) + " (" + left + " lines of the SIP stack suppressed)";
    }

    private static String oneLine(Throwable t) {
        return t == null ? "" : ": " + bounded(t.toString());
    }

    @Override
    public void logError(String message) {
        if (LOG.isErrorEnabled() && admit()) {
            LOG.error(withSuppressed(message));
        }
    }

    @Override
    public void logError(String message, Exception e) {
        if (LOG.isErrorEnabled() && admit()) {
            LOG.error(withSuppressed(message) + oneLine(e));
        }
        LOG.debug("Stack trace of the SIP stack's error", e);
    }

    @Override
    public void logFatalError(String message) {
        logError(message);
    }

    @Override
    public void logException(Throwable t) {
        if (LOG.isErrorEnabled() && admit()) {
            LOG.error(withSuppressed("SIP stack") + oneLine(t));
        }
        LOG.debug("Stack trace of the SIP stack's exception", t);
    }

    @Override
    public void logWarning(String message) {
        if (LOG.isWarnEnabled() && admit()) {
            LOG.warn(withSuppressed(message));
        }
    }

    /** The stack's INFO is start-up detail and per-message chatter: DEBUG here. */
    @Override
    public void logInfo(String message) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(bounded(message));
        }
    }

    @Override
    public void logDebug(String message) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(bounded(message));
        }
    }

    @Override
    public void logDebug(String message, Exception e) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(bounded(message), e);
        }
    }

    @Override
    public void logTrace(String message) {
        if (LOG.isTraceEnabled()) {
            LOG.trace(bounded(message));
        }
    }

    @Override
    public void logStackTrace() {
        // the stack's own call-site traces are noise, not information
    }

    @Override
    public void logStackTrace(int traceLevel) {
        // as above
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isWarnEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int level) {
        if (level >= TRACE_TRACE) {
            return LOG.isTraceEnabled();
        }
        if (level >= TRACE_INFO) {
            // TRACE_MESSAGES is TRACE_INFO: at it the stack writes out every message it handles
            return LOG.isDebugEnabled();
        }
        return level > TRACE_NONE && LOG.isWarnEnabled();
    }

    @Override
    public void disableLogging() {
        // the level is the logging configuration's
    }

    @Override
    public void enableLogging() {
        // the level is the logging configuration's
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        // not logged
    }

    @Override
    public void setStackProperties(Properties properties) {
        // the level is the logging configuration's, not TRACE_LEVEL
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }
}
