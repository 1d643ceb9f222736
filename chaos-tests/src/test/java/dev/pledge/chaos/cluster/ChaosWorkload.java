package dev.pledge.chaos.cluster;

import dev.pledge.demo.client.Enrollment;
import dev.pledge.demo.client.OpResult;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent enrollments, drops, swaps and group enrollments through the Java SDK, one transaction
 * per operation (no retries hide an attempt), each outcome recorded. Enrollments lean toward a few
 * hot courses so capacity limits and lock conflicts happen; drops and swaps pick enrollments the
 * client saw committed.
 */
final class ChaosWorkload {
    private static final int RECORDS_MAX = 500_000;
    /** A client that cannot reach a node waits this long (plus jitter) before its next operation, as a real one would. */
    private static final long UNREACHABLE_PAUSE_MS = 100;

    private final Enrollment enrollment;
    private final int students;
    private final int courses;
    private final long seed;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Set<Long> known = ConcurrentHashMap.newKeySet();
    private final List<OpRecord> records = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    ChaosWorkload(Enrollment enrollment, int students, int courses, long seed) {
        if (students <= 7) throw new IllegalArgumentException("group enrollments need more than 7 students");
        this.enrollment = enrollment;
        this.students = students;
        this.courses = courses;
        this.seed = seed;
    }

    void start(int clients) {
        for (int i = 0; i < clients; i++) {
            Random random = new Random(seed * 31 + i);
            Thread t = new Thread(() -> {
                while (!stop.get() && size() < RECORDS_MAX) step(random);
            }, "chaos-client-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** Stops issuing operations and waits for those in flight, so every one has its outcome recorded. */
    void stopAndJoin(long timeoutMs) throws InterruptedException {
        stop.set(true);
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            if (t.isAlive()) throw new IllegalStateException(t.getName() + " still in an operation after " + timeoutMs + " ms");
        }
    }

    List<OpRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    int size() {
        synchronized (records) {
            return records.size();
        }
    }

    private void step(Random random) {
        int dice = random.nextInt(100);
        int s = random.nextInt(students);
        if (dice < 50) {
            int c = hotCourse(random);
            record("enroll", List.of(s), c, -1, enrollment.enroll(s, c));
        } else if (dice < 70) {
            long pair = pickKnown(random);
            if (pair < 0) return;
            int ks = (int) (pair >>> 32), kc = (int) pair;
            record("drop", List.of(ks), -1, kc, enrollment.drop(ks, kc));
        } else if (dice < 85) {
            long pair = pickKnown(random);
            if (pair < 0) return;
            int ks = (int) (pair >>> 32), from = (int) pair, to = hotCourse(random);
            record("swap", List.of(ks), to, from, enrollment.swap(ks, from, to));
        } else {
            List<Integer> group = List.of(s, (s + 1) % students, (s + 7) % students);
            int c = hotCourse(random);
            record("group", group, c, -1, enrollment.enrollGroup(group, c));
        }
    }

    private void record(String op, List<Integer> group, int added, int removed, OpResult result) {
        Set<String> participants = new LinkedHashSet<>();
        for (int s : group) participants.add(ChaosCluster.shardOf(s));
        participants.add(EnrollmentContainers.COURSE_C);
        OpRecord r = new OpRecord(op, group, added, removed, participants, result, System.currentTimeMillis());
        synchronized (records) {
            records.add(r);
        }
        if (unreachable(result)) pause();
        if (!result.committed()) return;
        if (removed >= 0) known.remove(pair(group.get(0), removed));
        if (added >= 0) group.forEach(s -> known.add(pair(s, added)));
    }

    /** Failed fast for want of a node (refused connection, open circuit): nothing was tried, so retrying at once only spins. */
    private static boolean unreachable(OpResult r) {
        return r.txId() == null || (r.kind() == OpResult.Kind.ABORTED && r.reason() != null && r.reason().startsWith("UNREACHABLE"));
    }

    private static void pause() {
        try {
            Thread.sleep(UNREACHABLE_PAUSE_MS + ThreadLocalRandom.current().nextLong(UNREACHABLE_PAUSE_MS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int committed() {
        synchronized (records) {
            return (int) records.stream().filter(r -> r.result().committed()).count();
        }
    }

    private int hotCourse(Random random) {
        return random.nextInt(3) == 0 ? random.nextInt(Math.min(5, courses)) : random.nextInt(courses);
    }

    private long pickKnown(Random random) {
        Object[] all = known.toArray();
        return all.length == 0 ? -1 : (Long) all[random.nextInt(all.length)];
    }

    static long pair(int student, int course) {
        return ((long) student << 32) | (course & 0xffffffffL);
    }
}
