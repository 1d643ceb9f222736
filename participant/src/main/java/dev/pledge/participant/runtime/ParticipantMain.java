package dev.pledge.participant.runtime;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * A runnable generic key-value participant (Kv service only). Prints one line
 * {@code participant <id> listening on <host>:<port> incarnation <n>} on stdout once it serves.
 */
@Command(name = "pledge-participant", mixinStandardHelpOptions = true,
        description = "Runs a Pledge participant that offers the transactional Kv service.")
public final class ParticipantMain implements Callable<Integer> {

    @Mixin
    ParticipantOptions options;

    @Override
    public Integer call() throws Exception {
        options.serve(options.node(), options.id());
        return 0;
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ParticipantMain());
        // Expected start-up failures (dir in use, bad address) read better as one line than a stack trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("pledge-participant: " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }
}
