package dev.pledge.demo.client;

import dev.pledge.client.CommitResult;
import dev.pledge.client.InDoubtException;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.core.TxId;
import dev.pledge.demo.domain.Audit;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.CourseService;
import dev.pledge.demo.wire.Rejected;
import dev.pledge.demo.wire.Student;
import dev.pledge.demo.wire.StudentService;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcException;
import dev.pledge.runtime.Threads;
import dev.pledge.wire.NotAllowed;
import org.apache.thrift.TException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The enrollment operations, each one Pledge transaction across the nodes it touches. A business
 * rule that says no aborts the transaction and is reported as REJECTED with its reason; an abort
 * the protocol chose (lock conflict, deadline) is retried a bounded number of times.
 */
public final class Enrollment {
    private static final StudentService.Client.Factory STUDENTS = new StudentService.Client.Factory();
    private static final CourseService.Client.Factory COURSES = new CourseService.Client.Factory();
    private static final int ATTEMPTS_MAX = 5;
    /** Audit attempt n waits n times this after a failure: about 4 s over all attempts, past a breaker's cool-down. */
    private static final long AUDIT_RETRY_PAUSE_MS = 20;

    private final PledgeClient client;
    private final Topology topology;
    private final Duration txTimeout;
    private final int attemptsMax;

    public Enrollment(PledgeClient client, Topology topology, Duration txTimeout) {
        this(client, topology, txTimeout, ATTEMPTS_MAX);
    }

    /** With {@code attemptsMax} 1 every operation is one transaction, so a caller sees every TxId's outcome. */
    public Enrollment(PledgeClient client, Topology topology, Duration txTimeout, int attemptsMax) {
        if (attemptsMax < 1 || attemptsMax > ATTEMPTS_MAX) {
            throw new IllegalArgumentException("attemptsMax must be in [1, " + ATTEMPTS_MAX + "], was " + attemptsMax);
        }
        this.client = client;
        this.topology = topology;
        this.txTimeout = txTimeout;
        this.attemptsMax = attemptsMax;
    }

    /** One step of a transaction's body; it may throw Rejected to abort with a business reason. */
    @FunctionalInterface
    public interface Body {
        void run(Transaction tx) throws TException;
    }

    public OpResult enroll(int studentId, int courseId) {
        return run(tx -> {
            student(tx, studentId).addCourse(studentId, courseId);
            course(tx).addStudent(courseId, studentId);
        });
    }

    public OpResult drop(int studentId, int courseId) {
        return run(tx -> {
            student(tx, studentId).removeCourse(studentId, courseId);
            course(tx).removeStudent(courseId, studentId);
        });
    }

    /** Moves a student from one course to another: both changes on both sides, or nothing. */
    public OpResult swap(int studentId, int fromCourse, int toCourse) {
        return run(tx -> {
            student(tx, studentId).removeCourse(studentId, fromCourse);
            student(tx, studentId).addCourse(studentId, toCourse);
            course(tx).removeStudent(fromCourse, studentId);
            course(tx).addStudent(toCourse, studentId);
        });
    }

    /** Enrolls every student or none; students may live on different shards (three participants). */
    public OpResult enrollGroup(List<Integer> studentIds, int courseId) {
        return run(tx -> {
            for (int s : studentIds) student(tx, s).addCourse(s, courseId);
            for (int s : studentIds) course(tx).addStudent(courseId, s);
        });
    }

    public OpResult run(Body body) {
        long t0 = System.nanoTime();
        List<String> retriedReasons = new ArrayList<>();
        long lastStartNs = t0;
        OpResult last = null;
        for (int attempt = 1; attempt <= attemptsMax; attempt++) {
            lastStartNs = System.nanoTime();
            last = attempt(body, new Timing(t0, lastStartNs), attempt);
            if (last.kind() != OpResult.Kind.ABORTED) break;
            if (attempt < attemptsMax) retriedReasons.add(last.reason());
        }
        return last.afterRetries((lastStartNs - t0) / 1000, retriedReasons);
    }

    /** The clock of one attempt: when the operation and this attempt began, and when commit was asked. */
    private static final class Timing {
        private final long operationStartNs;
        private final long attemptStartNs;
        private long commitStartNs = -1;

        Timing(long operationStartNs, long attemptStartNs) {
            this.operationStartNs = operationStartNs;
            this.attemptStartNs = attemptStartNs;
        }

        void commitAsked() {
            commitStartNs = System.nanoTime();
        }

        OpResult result(OpResult.Kind kind, String reason, TxId id, int attempts) {
            long endNs = System.nanoTime();
            long operationsEndNs = commitStartNs < 0 ? endNs : commitStartNs;
            return new OpResult(kind, reason, id, (endNs - operationStartNs) / 1000, attempts, new OpResult.Split(
                    0, (operationsEndNs - attemptStartNs) / 1000, (endNs - operationsEndNs) / 1000, List.of()));
        }
    }

    private OpResult attempt(Body body, Timing timing, int attempt) {
        TxId id = null;
        try (Transaction tx = client.begin(txTimeout)) {
            id = tx.id();
            try {
                body.run(tx);
            } catch (Rejected r) {
                tx.abort();
                return timing.result(OpResult.Kind.REJECTED, r.getCode() + ": " + r.getMessage(), id, attempt);
            } catch (NotAllowed n) {
                tx.abort();
                return timing.result(OpResult.Kind.ABORTED, n.getMessage(), id, attempt);
            }
            timing.commitAsked();
            return commit(tx, timing, attempt);
        } catch (RpcException e) {
            // A node could not be reached before commit was asked: nothing committed; close() aborted it.
            return timing.result(OpResult.Kind.ABORTED, "UNREACHABLE: " + e.getMessage(), id, attempt);
        } catch (TException | RuntimeException e) {
            // Before commit was asked, a failure cannot have committed anything: close() aborted it.
            return timing.result(OpResult.Kind.ABORTED, e.getClass().getSimpleName() + ": " + e.getMessage(), id, attempt);
        }
    }

    /** Once commit is asked, only the coordinator's answer says what happened; anything else is in doubt. */
    private static OpResult commit(Transaction tx, Timing timing, int attempt) {
        try {
            CommitResult r = tx.commit();
            return r.committed() ? timing.result(OpResult.Kind.COMMITTED, "", tx.id(), attempt)
                    : timing.result(OpResult.Kind.ABORTED, r.reason().map(Enum::name).orElse("ABORTED") + ": " + r.message(), tx.id(), attempt);
        } catch (InDoubtException e) {
            return timing.result(OpResult.Kind.IN_DOUBT, e.getMessage(), e.txId(), attempt);
        } catch (TException | RuntimeException e) {
            return timing.result(OpResult.Kind.IN_DOUBT, e.getClass().getSimpleName() + ": " + e.getMessage(), tx.id(), attempt);
        }
    }

    public Student readStudent(int studentId) throws Exception {
        try (Transaction tx = client.begin(txTimeout)) {
            Student s = student(tx, studentId).getStudent(studentId);
            tx.commit();
            return s;
        }
    }

    public Course readCourse(int courseId) throws Exception {
        try (Transaction tx = client.begin(txTimeout)) {
            Course c = course(tx).getCourse(courseId);
            tx.commit();
            return c;
        }
    }

    /**
     * The auditor: one serializable read-only transaction over every node (shared locks on every
     * record), then the consistency check. Null if it could not get a consistent read in its attempts.
     */
    public Audit.Result audit() {
        for (int attempt = 1; attempt <= ATTEMPTS_MAX * 4; attempt++) {
            try (Transaction tx = client.begin(txTimeout)) {
                List<Student> students = new ArrayList<>();
                for (Endpoint shard : topology.studentShards()) {
                    students.addAll(tx.call(shard, Topology.STUDENT_SERVICE, STUDENTS, (c, ctx) -> c.scanStudents(ctx)));
                }
                List<Course> courses = tx.call(topology.courses(), Topology.COURSE_SERVICE, COURSES, (c, ctx) -> c.scanCourses(ctx));
                if (tx.commit().committed()) return Audit.check(students, courses);
            } catch (Exception e) {
                // Lock conflicts with the workload, or a node just restarted (its breaker still open):
                // wait a little, then take a fresh snapshot, rather than spend every attempt at once.
                if (!Threads.pause(AUDIT_RETRY_PAUSE_MS * attempt)) return null;
            }
        }
        return null;
    }


    /** A typed view of one participant service inside {@code tx}, with ctx filled in per call. */
    private StudentOps student(Transaction tx, int studentId) {
        Endpoint shard = topology.shardOf(studentId);
        return new StudentOps(tx, shard);
    }

    private CourseOps course(Transaction tx) {
        return new CourseOps(tx, topology.courses());
    }

    private record StudentOps(Transaction tx, Endpoint endpoint) {
        Student getStudent(int s) throws TException {
            return tx.call(endpoint, Topology.STUDENT_SERVICE, STUDENTS, (c, ctx) -> c.getStudent(ctx, s));
        }

        void addCourse(int s, int course) throws TException {
            tx.call(endpoint, Topology.STUDENT_SERVICE, STUDENTS, (c, ctx) -> {
                c.addCourse(ctx, s, course);
                return null;
            });
        }

        void removeCourse(int s, int course) throws TException {
            tx.call(endpoint, Topology.STUDENT_SERVICE, STUDENTS, (c, ctx) -> {
                c.removeCourse(ctx, s, course);
                return null;
            });
        }
    }

    private record CourseOps(Transaction tx, Endpoint endpoint) {
        Course getCourse(int course) throws TException {
            return tx.call(endpoint, Topology.COURSE_SERVICE, COURSES, (c, ctx) -> c.getCourse(ctx, course));
        }

        void addStudent(int course, int s) throws TException {
            tx.call(endpoint, Topology.COURSE_SERVICE, COURSES, (c, ctx) -> {
                c.addStudent(ctx, course, s);
                return null;
            });
        }

        void removeStudent(int course, int s) throws TException {
            tx.call(endpoint, Topology.COURSE_SERVICE, COURSES, (c, ctx) -> {
                c.removeStudent(ctx, course, s);
                return null;
            });
        }
    }
}
