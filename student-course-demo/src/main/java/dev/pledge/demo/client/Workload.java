package dev.pledge.demo.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The demo's mixed workload: enrollments to courses picked by the {@link Mix} (by default skewed
 * toward a few hot courses, for contention), drops and swaps of enrollments seen committed, group
 * enrollments across shards, and reads. Each client thread has its own seeded random source.
 */
public final class Workload {
    private static final int BACKOFF_MIN_MS = 100;
    private static final int BACKOFF_JITTER_MS = 200;

    /** What a client saw committed, and by which operation; the end-to-end checks read it. */
    public record Committed(String op, List<Integer> students, int course, int fromCourse) {}

    private final Enrollment enrollment;
    private final int students;
    private final int courses;
    private final long seed;
    private final Mix mix;
    private final LiveStats stats;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Set<Long> knownEnrollments = ConcurrentHashMap.newKeySet();
    private final List<Committed> committedLog = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Operations whose outcome the client never learned: each may or may not have committed. */
    private final List<Committed> inDoubtLog = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Consumer<OpResult> onResult;

    public Workload(Enrollment enrollment, int students, int courses, long seed, LiveStats stats, Consumer<OpResult> onResult) {
        this(enrollment, students, courses, seed, Mix.HOT, stats, onResult);
    }

    public Workload(Enrollment enrollment, int students, int courses, long seed, Mix mix, LiveStats stats,
                    Consumer<OpResult> onResult) {
        this.mix = mix;
        this.enrollment = enrollment;
        this.students = students;
        this.courses = courses;
        this.seed = seed;
        this.stats = stats;
        this.onResult = onResult;
    }

    public List<Thread> start(int clients) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Random random = new Random(seed * 31 + i);
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        if (step(random)) backOff(random);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-client-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    public void stop() {
        stop.set(true);
    }

    /** The operations left in doubt, in the shape of {@link #committedLog}: any of them may have committed. */
    public List<Committed> inDoubtLog() {
        synchronized (inDoubtLog) {
            return List.copyOf(inDoubtLog);
        }
    }

    public List<Committed> committedLog() {
        synchronized (committedLog) {
            return List.copyOf(committedLog);
        }
    }

    /** One operation; true if a node could not be reached, so the client should back off. */
    boolean step(Random random) {
        int dice = random.nextInt(100);
        int s = random.nextInt(students);
        if (dice < 55) {
            int c = mix.course(random, courses);
            return finish(enrollment.enroll(s, c), new Committed("enroll", List.of(s), c, -1), s, c, -1);
        } else if (dice < 72) {
            long known = pickKnown(random);
            if (known < 0) return false;
            int ks = (int) (known >>> 32), kc = (int) known;
            return finish(enrollment.drop(ks, kc), new Committed("drop", List.of(ks), kc, -1), ks, -1, kc);
        } else if (dice < 82) {
            long known = pickKnown(random);
            if (known < 0) return false;
            int ks = (int) (known >>> 32), from = (int) known, to = mix.course(random, courses);
            return finish(enrollment.swap(ks, from, to), new Committed("swap", List.of(ks), to, from), ks, to, from);
        } else if (dice < 88) {
            List<Integer> group = List.of(s, (s + 1) % students, (s + 7) % students);
            int c = mix.course(random, courses);
            OpResult r = enrollment.enrollGroup(group, c);
            record(r, new Committed("group", group, c, -1));
            if (r.committed()) group.forEach(g -> knownEnrollments.add(pair(g, c)));
            return unreachable(r);
        } else {
            try {
                enrollment.readStudent(s);
                return false;
            } catch (Exception e) {
                // A read that lost a lock race is simply skipped; one that found no node backs off.
                return e instanceof dev.pledge.rpc.RpcException;
            }
        }
    }

    private boolean finish(OpResult r, Committed what, int s, int addedCourse, int removedCourse) {
        record(r, what);
        if (r.committed()) {
            if (removedCourse >= 0) knownEnrollments.remove(pair(s, removedCourse));
            if (addedCourse >= 0) knownEnrollments.add(pair(s, addedCourse));
        }
        return unreachable(r);
    }

    private static boolean unreachable(OpResult r) {
        return r.kind() == OpResult.Kind.IN_DOUBT
                || r.kind() == OpResult.Kind.ABORTED && r.reason() != null && r.reason().startsWith("UNREACHABLE");
    }

    /** What a real client does when a node is down: wait a little (with jitter) instead of spinning. */
    private static void backOff(Random random) throws InterruptedException {
        Thread.sleep(BACKOFF_MIN_MS + random.nextInt(BACKOFF_JITTER_MS));
    }

    private void record(OpResult r, Committed what) {
        stats.record(r);
        if (r.committed()) committedLog.add(what);
        if (r.kind() == OpResult.Kind.IN_DOUBT) inDoubtLog.add(what);
        if (onResult != null) onResult.accept(r);
    }

    private long pickKnown(Random random) {
        Object[] all = knownEnrollments.toArray();
        if (all.length == 0) return -1;
        return (Long) all[random.nextInt(all.length)];
    }

    private static long pair(int student, int course) {
        return ((long) student << 32) | (course & 0xffffffffL);
    }

}
