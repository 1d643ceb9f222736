package dev.pledge.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * A picocli command run in this JVM, with what it printed on standard output.
 *
 * @param code    its exit code
 * @param printed its standard output
 */
record CliRun(int code, String printed) {
    static CliRun of(Object command, String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int code;
        try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = new CommandLine(command).execute(args);
        } finally {
            System.setOut(out);
        }
        return new CliRun(code, printed.toString(StandardCharsets.UTF_8));
    }
}
