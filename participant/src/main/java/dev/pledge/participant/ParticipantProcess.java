package dev.pledge.participant;

import dev.pledge.core.config.ConfigLoader;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.config.ParticipantSettings;
import dev.pledge.process.ParentWatch;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * How every participant process starts, so the generic Kv participant and services built on the
 * library (the demo's nodes) are configured and announce themselves the same way.
 */
public final class ParticipantProcess {
    private ParticipantProcess() {}

    /** The configuration from {@code [--config FILE] [--key=value | --key value ...]}; keys: {@link ParticipantSettings}. */
    public static ParticipantConfig config(List<String> args) throws IOException {
        return ParticipantSettings.config(ConfigLoader.load(ParticipantSettings.SCHEMA, args));
    }

    /** The keys a participant process takes, for {@code --help}. */
    public static String usage() {
        return "[--config FILE] [--key=value | --key value ...]; flags beat the file; keys:\n"
                + ParticipantSettings.SCHEMA.describe();
    }

    /** A node from {@code config} (with metrics if it names an address); services and validator are the caller's. */
    public static ParticipantNode node(ParticipantConfig config) {
        ParentWatch.startIfRequested(config.core().participantId());
        return new ParticipantNode(config);
    }

    /**
     * Starts {@code node}, prints the ready line ({@code participant <label> listening on host:port
     * incarnation n}, which launchers wait for) and serves until the process is told to stop.
     */
    public static void serve(ParticipantNode node, String label) throws Exception {
        node.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.stop();
            stopped.countDown();
        }, "participant-shutdown"));
        ParticipantConfig config = node.config();
        System.out.println("participant " + label + " listening on " + config.rpc().listen().host() + ":" + node.port()
                + " incarnation " + node.incarnation());
        if (config.rpc().metrics() != null && node.metricsPort() >= 0) {
            System.out.println("metrics on http://" + config.rpc().metrics().host() + ":" + node.metricsPort() + "/metrics");
        }
        System.out.flush();
        stopped.await();
    }
}
