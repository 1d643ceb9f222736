package dev.pledge.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Takes over the root logger while the fuzzer runs: keeps every ERROR line, counts WARN lines and
 * keeps the last few. The console appenders are detached meanwhile, because the thousands of
 * expected WARN lines ("closing connection from ...") would drown the report; {@link #close()}
 * puts them back.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private static final int WARNS_KEPT = 5;

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> lastWarns = new ArrayList<>();
    private final AtomicLong warns = new AtomicLong();

    static LogCapture install() {
        LogCapture capture = new LogCapture();
        capture.setContext(capture.root.getLoggerContext());
        capture.start();
        for (Iterator<Appender<ILoggingEvent>> it = capture.root.iteratorForAppenders(); it.hasNext(); ) {
            capture.detached.add(it.next());
        }
        capture.detached.forEach(capture.root::detachAppender);
        capture.root.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent e) { // AppenderBase calls this under its own lock
        String line = e.getLoggerName() + " [" + e.getThreadName() + "]: " + e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": "
                + e.getThrowableProxy().getMessage() + ")");
        if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
            errors.add(line);
        } else if (e.getLevel() == Level.WARN) {
            warns.incrementAndGet();
            if (lastWarns.size() == WARNS_KEPT) lastWarns.remove(0);
            lastWarns.add(line);
        }
    }

    /** The ERROR lines logged since the last call, which forgets them. */
    synchronized List<String> takeErrors() {
        List<String> taken = List.copyOf(errors);
        errors.clear();
        return taken;
    }

    long warnCount() {
        return warns.get();
    }

    synchronized void resetWarns() {
        warns.set(0);
        lastWarns.clear();
    }

    synchronized List<String> lastWarns() {
        return List.copyOf(lastWarns);
    }

    @Override
    public void close() {
        root.detachAppender(this);
        detached.forEach(root::addAppender);
        stop();
    }
}
