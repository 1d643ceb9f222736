package dev.pledge.demo.cli;

import dev.pledge.demo.DemoMain;
import dev.pledge.demo.client.Mix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class DemoUpOptionsTest {
    private static DemoUp parse(String... args) {
        CommandLine.ParseResult parsed = DemoMain.commandLine().parseArgs(args);
        return (DemoUp) parsed.subcommand().subcommand().commandSpec().userObject();
    }

    @Test
    void theHotMixIsTheDefault() {
        assertThat(parse("demo", "up").mix).isEqualTo(Mix.HOT);
    }

    @Test
    void theDashboardIsServedOnLoopbackPort7780ByDefault() {
        DemoUp up = parse("demo", "up");

        assertThat(up.host).isEqualTo("127.0.0.1");
        assertThat(up.dashboardPort).isEqualTo(7780);
        assertThat(parse("demo", "up", "--dashboard-port", "0").dashboardPort).isZero();
    }

    @Test
    void aDashboardPortOutOfRangeIsRefusedBeforeAnythingStarts(@TempDir Path root) {
        StringWriter err = new StringWriter();
        CommandLine cli = DemoMain.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("demo", "--data-dir", root.resolve("data").toString(), "up", "--dashboard-port", "-5");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--dashboard-port must be in [0, 65535], or -1 for no dashboard; was -5");
        assertThat(root.resolve("data")).doesNotExist();
    }

    @Test
    void mixUniformIsAcceptedInLowerCase() {
        assertThat(parse("demo", "up", "--mix", "uniform").mix).isEqualTo(Mix.UNIFORM);
    }

    @Test
    void anUnknownMixIsAClearUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = DemoMain.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("demo", "up", "--mix", "zipf");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--mix").contains("zipf").contains("HOT, UNIFORM");
    }

    @Test
    void oneReplicaPerParticipantIsTheDefault() {
        assertThat(parse("demo", "up").replicas).isEqualTo(1);
        assertThat(parse("demo", "up", "--replicas", "3").replicas).isEqualTo(3);
    }

    @Test
    void twoReplicasAreRefusedBeforeAnythingStarts(@TempDir Path root) {
        assertRefused(root, "--replicas 2 would stop at the loss of either machine; use 3", "--replicas", "2");
        assertRefused(root, "--replicas must be in [1, 7], was 9", "--replicas", "9");
    }

    @Test
    void machinesRunOneCoordinatorEachSoCoordinatorsIsRefusedWithReplicas(@TempDir Path root) {
        assertRefused(root, "--replicas runs one coordinator on every machine; drop --coordinators",
                "--replicas", "3", "--coordinators", "2");
    }

    private static void assertRefused(Path root, String message, String... upArgs) {
        StringWriter err = new StringWriter();
        CommandLine cli = DemoMain.commandLine();
        cli.setErr(new PrintWriter(err));
        String[] args = new String[4 + upArgs.length];
        args[0] = "demo";
        args[1] = "--data-dir";
        args[2] = root.resolve("data").toString();
        args[3] = "up";
        System.arraycopy(upArgs, 0, args, 4, upArgs.length);

        int exit = cli.execute(args);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(message);
        assertThat(root.resolve("data")).doesNotExist();
    }
}
