package dev.pledge.participant;

import dev.pledge.participant.config.ParticipantConfig;
import java.util.List;

/**
 * A runnable generic key-value participant (Kv service only). Prints one line
 * {@code participant <id> listening on <host>:<port> incarnation <n>} on stdout once it serves.
 */
public final class ParticipantMain {
    private ParticipantMain() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println("Usage: pledge-participant " + ParticipantProcess.usage());
            return;
        }
        try {
            ParticipantConfig config = ParticipantProcess.config(List.of(args));
            ParticipantProcess.serve(ParticipantProcess.node(config), config.core().participantId());
        } catch (Exception e) {
            // Expected start-up failures (bad config, dir in use, bad address) read better as one line than a stack trace.
            System.err.println("pledge-participant: " + e.getMessage());
            System.exit(2);
        }
    }
}
