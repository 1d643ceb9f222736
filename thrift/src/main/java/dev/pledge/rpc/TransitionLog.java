package dev.pledge.rpc;

import dev.pledge.core.LogLine;
import java.util.List;
import org.slf4j.Logger;

/** How every node logs its core's transitions: alarms as errors, notable ones as info, routine ones as detail. */
public final class TransitionLog {
    private TransitionLog() {}

    public static void write(Logger log, List<LogLine> lines) {
        for (LogLine line : lines) {
            switch (line.level()) {
                case ALARM -> log.error("{}", line.text());
                case NOTABLE -> log.info("{}", line.text());
                case ROUTINE -> log.debug("{}", line.text());
            }
        }
    }
}
