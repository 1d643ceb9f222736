package dev.pledge.chaos.cluster;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs a fault schedule against a cluster, one fault at a time: inject (what a fault does there is
 * the cluster's {@link ChaosCluster#inject}), hold it for its duration, heal, measure how long what
 * it left in doubt takes to resolve, then a gap. Every step goes to the {@link FaultLog}. Healing
 * always happens, even when the run is stopped mid-fault.
 */
final class Nemesis {
    private final ChaosCluster cluster;
    private final FaultLog log;
    private final ResolutionWatch watch;
    private final long gapMs;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile long lastHealNs = System.nanoTime();

    private final Supplier<String> progress;

    Nemesis(ChaosCluster cluster, FaultLog log, ResolutionWatch watch, long gapMs, Supplier<String> progress) {
        this.cluster = cluster;
        this.log = log;
        this.watch = watch;
        this.gapMs = gapMs;
        this.progress = progress;
    }

    /** Runs {@code faults} in order until done or {@link #stop()}; returns how many were injected. */
    int run(List<Fault> faults) throws InterruptedException {
        int done = 0;
        for (Fault f : faults) {
            if (stop.get()) break;
            inject(f);
            done++;
            log.note("workload so far: " + progress.get());
            Thread.sleep(gapMs); // spacing between faults is part of the schedule
        }
        return done;
    }

    void stop() {
        stop.set(true);
    }

    long lastHealNs() {
        return lastHealNs;
    }

    private void inject(Fault f) throws InterruptedException {
        log.injected(f);
        Runnable heal = cluster.inject(f);
        try {
            Thread.sleep(f.durationMs()); // the fault lasts this long
        } finally {
            heal.run();
            lastHealNs = System.nanoTime();
            log.healed(f);
        }
        watch.afterHeal(f);
    }
}
