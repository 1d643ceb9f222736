package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.config.CoordinatorConfig;
import dev.pledge.coordinator.config.CoordinatorSettings;
import dev.pledge.core.config.ConfigLoader;
import dev.pledge.process.ParentWatch;
import dev.pledge.rpc.Endpoint;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar pledge-coordinator.jar [--config FILE] [--key=value ...]} (keys and defaults:
 * {@link CoordinatorSettings}; {@code --help} lists them). Prints "coordinator ID listening on
 * HOST:PORT epoch N" once it serves, and runs until killed.
 */
public final class CoordinatorMain {
    private CoordinatorMain() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println("Usage: pledge-coordinator [--config FILE] [--key=value | --key value ...]\n"
                    + "Runs a Pledge two-phase-commit coordinator. Flags beat the file; keys:\n"
                    + CoordinatorSettings.SCHEMA.describe());
            return;
        }
        CoordinatorConfig config;
        CoordinatorNode node;
        try {
            config = CoordinatorSettings.config(ConfigLoader.load(CoordinatorSettings.SCHEMA, List.of(args)));
            ParentWatch.startIfRequested(config.core().nodeId());
            node = CoordinatorNode.start(config);
        } catch (Exception e) {
            // Expected failures (bad config, data dir in use) read as one line, not a stack trace.
            System.err.println("pledge-coordinator: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "shutdown"));
        Endpoint listen = config.rpc().listen();
        System.out.println("coordinator " + config.core().nodeId() + " listening on " + listen.host() + ":" + node.port()
                + " epoch " + node.epoch());
        if (config.rpc().metrics() != null) {
            System.out.println("metrics on http://" + config.rpc().metrics().host() + ":" + node.metricsPort() + "/metrics");
        }
        System.out.flush();
        stopped.await();
    }
}
