package dev.pledge.demo;

import dev.pledge.demo.admin.AdminCommand;
import dev.pledge.demo.certs.CertsCommand;
import dev.pledge.demo.cli.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pledge}: the command-line entry point ({@code ./pledge demo up}, {@code ./pledge demo enroll 4 7}, ...). */
@Command(name = "pledge", mixinStandardHelpOptions = true, version = "pledge 0.1.0",
        description = "Pledge: two-phase commit across services, durable in RocksDB.",
        subcommands = {DemoCommand.class, AdminCommand.class, CertsCommand.class})
public final class DemoMain {
    public static void main(String[] args) {
        // Before any logger exists: the launcher logs only warnings; nodes log to their own files.
        if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", "logback-cli.xml");
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code main} runs it; enum options take lower case ({@code --mix uniform}). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DemoMain()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
            return 2;
        });
        return cli;
    }
}
