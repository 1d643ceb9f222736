package dev.pledge.chaos.cluster;

import dev.pledge.chaos.container.JavaNodeContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs a fault schedule against the container cluster, one fault at a time: inject, hold it for its
 * duration, heal, measure how long what it left in doubt takes to resolve, then a gap. Every step
 * goes to the {@link FaultLog}. Healing always happens, even when the run is stopped mid-fault.
 */
final class Nemesis {
    private final EnrollmentContainers cluster;
    private final FaultLog log;
    private final ResolutionWatch watch;
    private final long gapMs;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile long lastHealNs = System.nanoTime();

    private final Supplier<String> progress;

    Nemesis(EnrollmentContainers cluster, FaultLog log, ResolutionWatch watch, long gapMs, Supplier<String> progress) {
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
        Runnable heal = start(f);
        try {
            Thread.sleep(f.durationMs()); // the fault lasts this long
        } finally {
            heal.run();
            lastHealNs = System.nanoTime();
            log.healed(f);
        }
        watch.afterHeal(f);
    }

    /** Injects {@code f} and returns what undoes it. */
    private Runnable start(Fault f) {
        String victim = f.nodes().get(0);
        JavaNodeContainer node = cluster.node(victim);
        return switch (f.kind()) {
            case KILL -> {
                node.kill();
                yield () -> cluster.restart(victim);
            }
            case PAUSE -> {
                node.pause();
                yield node::unpause;
            }
            case ISOLATE -> {
                node.disconnect(cluster.network());
                yield () -> {
                    node.connect(cluster.network());
                    cluster.reattached(victim);
                };
            }
            case CUT_COORDINATOR_FROM_PARTICIPANT -> cut(List.of(List.of(f.nodes().get(0), f.nodes().get(1))));
            case CUT_PARTICIPANTS -> cut(List.of(List.of(f.nodes().get(0), f.nodes().get(1)),
                    List.of(f.nodes().get(1), f.nodes().get(2)), List.of(f.nodes().get(0), f.nodes().get(2))));
            case CUT_COORDINATOR_AND_PEER -> cut(List.of(List.of(f.nodes().get(0), f.nodes().get(1)),
                    List.of(f.nodes().get(1), f.nodes().get(2))));
            case PACKET_LOSS -> {
                List<String> rule = Iptables.randomLoss(f.lossProbability());
                Iptables.insert(node, rule);
                yield () -> Iptables.delete(node, rule);
            }
        };
    }

    /** DROPs each pair's traffic both ways, at both ends' INPUT. */
    private Runnable cut(List<List<String>> pairs) {
        record Rule(JavaNodeContainer at, List<String> spec) {}
        List<Rule> rules = new ArrayList<>();
        for (List<String> pair : pairs) {
            rules.add(new Rule(cluster.node(pair.get(0)), Iptables.dropFrom(cluster.ip(pair.get(1)))));
            rules.add(new Rule(cluster.node(pair.get(1)), Iptables.dropFrom(cluster.ip(pair.get(0)))));
        }
        for (Rule r : rules) Iptables.insert(r.at(), r.spec());
        return () -> rules.forEach(r -> Iptables.delete(r.at(), r.spec()));
    }
}
