package dev.pledge.demo.admin;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** One {@code pledge admin resolve} of a transaction the node never saw, run in this JVM, its stderr kept. */
final class ResolveRun {
    static final String TXID = "coord-1.1.1";

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** The command's exit code; {@code more} are flags beyond the transaction, direction and participant. */
    int resolve(int participantPort, String... more) {
        List<String> args = new ArrayList<>(List.of(TXID, "--commit", "--heuristic", "--participant", "127.0.0.1:" + participantPort));
        args.addAll(List.of(more));
        AdminCommand.Resolve command = CommandLine.populateCommand(new AdminCommand.Resolve(), args.toArray(String[]::new));
        command.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        return command.call();
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
