package dev.pledge.demo.cli;

import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.launch.MachineCluster;
import dev.pledge.demo.launch.NodeProcess;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code demo up --replicas N --chaos}: every few seconds one whole machine is SIGKILLed and
 * restarted, now and then on an empty data directory (its disk lost), or frozen with SIGSTOP long
 * enough for the others to elect and then thawed with SIGCONT. Never more than one machine is down:
 * a fault begins only once every shard has a leader again after the last one.
 */
final class MachineChaos {
    /** One kill in this many also deletes the machine's data directory before it restarts. */
    static final int WIPE_ONE_IN = 3;
    /** One fault in this many is a freeze (SIGSTOP, then SIGCONT) rather than a kill. */
    static final int FREEZE_ONE_IN = 3;
    private static final long DOWN_MS_MIN = 200;
    private static final long DOWN_MS_SPREAD = 800;
    /** A freeze outlasts an election timeout (ReplicationSettings.DEFAULTS: at most 1 s), so the others elect. */
    private static final long FROZEN_MS_MIN = 1_500;
    private static final long FROZEN_MS_SPREAD = 1_500;
    /** How long every shard may take to have a leader again before the chaos waits no longer and says so. */
    static final Duration LEADERS_WAIT_MAX = Duration.ofSeconds(60);
    private static final long LEADERS_POLL_MS = 100;
    /**
     * How long {@link #finish} may wait for the fault under way: a machine restarted on an empty disk
     * must start and rejoin every group (minutes at worst on a loaded machine), then every shard be led.
     */
    static final Duration FINISH_WAIT_MAX = LEADERS_WAIT_MAX.plusMinutes(2);

    private final MachineCluster machines;
    private final ClusterProbe probe;
    private final Random random;
    private final BooleanSupplier stopping;
    private final Consumer<String> faults;
    /** Counted down by {@link #finish}: no new fault begins. */
    private final CountDownLatch finishing = new CountDownLatch(1);

    MachineChaos(MachineCluster machines, ClusterProbe probe, long seed, BooleanSupplier stopping, Consumer<String> faults) {
        this.machines = machines;
        this.probe = probe;
        this.random = new Random(seed);
        this.stopping = stopping;
        this.faults = faults;
    }

    /** Runs faults {@code everyS} seconds apart until stopped, finished or interrupted. */
    void run(int everyS) {
        try {
            while (!stopping.getAsBoolean()) {
                if (finishing.await(everyS, TimeUnit.SECONDS)) return;
                List<String> names = machines.nodeNames();
                String victim = names.get(random.nextInt(names.size()));
                long t0 = System.nanoTime();
                String what = random.nextInt(FREEZE_ONE_IN) == 0 ? freeze(victim) : kill(victim);
                long backNs = System.nanoTime();
                String led = awaitEveryShardLed();
                faults.accept(String.format("%s, back in %.1f s; %s", what, (backNs - t0) / 1e9, led));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping.getAsBoolean()) faults.accept("chaos stopped: " + e.getMessage());
        }
    }

    /**
     * Begins no new fault, and waits (up to {@link #FINISH_WAIT_MAX}) until {@code chaos}, the thread
     * running {@link #run}, has ended the one under way: the machine is back, every shard is led,
     * and the fault is reported. True if it ended in time.
     */
    boolean finish(Thread chaos) throws InterruptedException {
        finishing.countDown();
        chaos.join(FINISH_WAIT_MAX.toMillis());
        return !chaos.isAlive();
    }

    private String kill(String victim) throws InterruptedException {
        machines.node(victim).kill9();
        boolean wipe = random.nextInt(WIPE_ONE_IN) == 0;
        NodeProcess back = null;
        try {
            Thread.sleep(DOWN_MS_MIN + random.nextLong(DOWN_MS_SPREAD));
        } finally {
            // Even when told to stop mid-fault: a killed machine always comes back.
            if (!stopping.getAsBoolean()) back = wipe ? machines.restartAfterDiskLoss(victim) : machines.start(victim);
        }
        return "SIGKILL machine " + victim + (wipe ? ", its data directory deleted; back as new Raft incarnation "
                + (back == null ? "(not restarted)" : MachineCluster.raftPeer(back)) : "");
    }

    private String freeze(String victim) throws InterruptedException {
        NodeProcess p = machines.node(victim);
        long frozenMs = FROZEN_MS_MIN + random.nextLong(FROZEN_MS_SPREAD);
        p.pause();
        try {
            Thread.sleep(frozenMs);
        } finally {
            p.resume();
        }
        return "SIGSTOP machine " + victim + " for " + frozenMs + " ms, then SIGCONT";
    }

    /** Waits until every shard has a serving leader; says after how long, or that it gave up. */
    private String awaitEveryShardLed() throws InterruptedException {
        long startNs = System.nanoTime();
        long deadlineNs = startNs + LEADERS_WAIT_MAX.toNanos();
        while (System.nanoTime() < deadlineNs && !stopping.getAsBoolean()) {
            if (!machines.leaders(probe).containsValue(null)) {
                return String.format("every shard led again %.1f s later", (System.nanoTime() - startNs) / 1e9);
            }
            Thread.sleep(LEADERS_POLL_MS);
        }
        return "NOT every shard has a leader after " + LEADERS_WAIT_MAX.toSeconds() + " s: " + machines.leaders(probe);
    }
}
