package dev.pledge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.domain.Records;
import dev.pledge.demo.node.CourseHandler;
import dev.pledge.demo.node.DemoNodeMain;
import dev.pledge.demo.node.StudentHandler;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.CourseService;
import dev.pledge.demo.wire.Student;
import dev.pledge.demo.wire.StudentService;
import dev.pledge.participant.app.PrepareValidator;
import dev.pledge.rpc.RpcClient;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.rpc.Services;
import dev.pledge.wire.AbortRequest;
import dev.pledge.wire.Admin;
import dev.pledge.wire.BeginRequest;
import dev.pledge.wire.CommitRequest;
import dev.pledge.wire.CommitWritesRequest;
import dev.pledge.wire.Coordinator;
import dev.pledge.wire.DeadlineExceeded;
import dev.pledge.wire.DecisionItem;
import dev.pledge.wire.EnlistRequest;
import dev.pledge.wire.ExchangeRequest;
import dev.pledge.wire.InDoubtRequest;
import dev.pledge.wire.InvalidArgument;
import dev.pledge.wire.Kv;
import dev.pledge.wire.Participant;
import dev.pledge.wire.PeerStateRequest;
import dev.pledge.wire.RecoverRequest;
import dev.pledge.wire.OperatorCredential;
import dev.pledge.wire.ResolveRequest;
import dev.pledge.wire.StatusRequest;
import dev.pledge.wire.TxContext;
import dev.pledge.wire.TxId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.thrift.TException;
import org.apache.thrift.TServiceClient;
import org.apache.thrift.TServiceClientFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Every malformed request a node can get from outside, sent over real sockets to a real coordinator
 * and a real participant serving Kv, Admin and the demo's Student and Course services: each gets
 * the exception its method declares, with a message naming the field, never
 * TApplicationException(INTERNAL_ERROR); and no node logs anything at ERROR meanwhile.
 */
class DeclaredErrorsTest {
    private static final String P = "A";
    private static final long CALL_MS = 10_000;
    private static final TxId GOOD = new TxId(InJvmCluster.COORDINATOR_ID, 1, 1);
    /** Malformed TxIds, each with the part of it the answer must name. */
    private static final Map<String, TxId> BAD_TX_IDS = Map.of(
            "epoch", new TxId(InJvmCluster.COORDINATOR_ID, 0, 1),
            "sequence", new TxId(InJvmCluster.COORDINATOR_ID, 1, -1),
            "coordinatorId", new TxId("", 1, 1));

    private static final Coordinator.Client.Factory COORDINATOR = new Coordinator.Client.Factory();
    private static final Participant.Client.Factory PARTICIPANT = new Participant.Client.Factory();
    private static final Kv.Client.Factory KV = new Kv.Client.Factory();
    private static final Admin.Client.Factory ADMIN = new Admin.Client.Factory();
    private static final StudentService.Client.Factory STUDENTS = new StudentService.Client.Factory();
    private static final CourseService.Client.Factory COURSES = new CourseService.Client.Factory();

    @TempDir
    static Path root;

    private static InJvmCluster cluster;
    private static RpcClient coordinator;
    private static RpcClient participant;
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private static final Logger rootLog = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeAll
    static void start() throws Exception {
        cluster = new InJvmCluster(root, List.of(P, "B"), c -> c).startCoordinator();
        cluster.startParticipant("B", PrepareValidator.ACCEPT_ALL);
        cluster.startParticipant(P, PrepareValidator.ACCEPT_ALL, node -> node
                .withService(Topology.STUDENT_SERVICE,
                        new StudentService.Processor<>(new StudentHandler(DemoNodeMain.runnerOf(node), 0, 1)))
                .withService(Topology.COURSE_SERVICE,
                        new CourseService.Processor<>(new CourseHandler(DemoNodeMain.runnerOf(node)))));
        coordinator = new RpcClient(cluster.coordinator(), RpcClientConfig.defaults());
        participant = new RpcClient(cluster.participant(P), RpcClientConfig.defaults());
        logs.start();
        rootLog.addAppender(logs);
    }

    @AfterAll
    static void stop() {
        rootLog.detachAppender(logs);
        if (coordinator != null) coordinator.close();
        if (participant != null) participant.close();
        if (cluster != null) cluster.close();
    }

    @TestFactory
    Stream<DynamicTest> everyMalformedRequestGetsInvalidArgumentNamingTheField() {
        List<Case> cases = new ArrayList<>();
        coordinatorCases(cases);
        participantCases(cases);
        kvCases(cases);
        adminCases(cases);
        demoCases(cases);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> c.check()));
    }

    @TestFactory
    Stream<DynamicTest> aRequestWhoseDeadlineHasPassedGetsDeadlineExceeded() {
        List<Case> cases = new ArrayList<>();
        long past = 0;
        TxContext late = new TxContext(GOOD, 1, past);
        cases.add(coordinatorCase("begin", c -> c.begin(new BeginRequest(past, 1_000))));
        cases.add(coordinatorCase("enlist", c -> c.enlist(new EnlistRequest(past, GOOD, P, 1))));
        cases.add(coordinatorCase("commit", c -> c.commit(new CommitRequest(past, GOOD))));
        cases.add(coordinatorCase("abort", c -> c.abort(new AbortRequest(-5, GOOD))));
        cases.add(coordinatorCase("status", c -> c.status(new StatusRequest(past, GOOD))));
        cases.add(coordinatorCase("commitWrites", c -> c.commitWrites(new CommitWritesRequest(past, List.of()))));
        cases.add(on("Coordinator Admin.listInDoubt", coordinator, Services.ADMIN, ADMIN, c -> c.listInDoubt(new InDoubtRequest(past))));
        cases.add(participantCase("exchange", c -> c.exchange(new ExchangeRequest(past, List.of(), List.of()))));
        cases.add(participantCase("peerState", c -> c.peerState(new PeerStateRequest(past, GOOD, "B"))));
        cases.add(participantCase("recoverPrepared", c -> c.recoverPrepared(new RecoverRequest(past, ""))));
        cases.add(adminCase("listInDoubt", c -> c.listInDoubt(new InDoubtRequest(past))));
        cases.add(adminCase("resolve", c -> c.resolve(new ResolveRequest(past, GOOD, true, true))));
        kvCalls(late).forEach((name, call) -> cases.add(kvCase(name, call)));
        demoCalls(late).forEach((name, call) -> cases.add(call.apply(name)));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> c.expecting(DeadlineExceeded.class, "deadline")));
    }

    @Test
    void aPastDeadlineIsAnsweredOnceAndTheSdkNeverRetriesIt() throws Exception {
        clearLogs();
        AtomicInteger attempts = new AtomicInteger();
        try (PledgeClient client = PledgeClient.builder().coordinator(cluster.coordinator()).build();
             Transaction tx = client.begin(Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> tx.call(cluster.participant(P), Services.KV, KV, (c, ctx) -> {
                attempts.incrementAndGet();
                c.put(ctx.setDeadlineMs(0), bytes(1), bytes(2));
                return null;
            })).isInstanceOf(DeadlineExceeded.class);
        }
        assertThat(attempts).as("attempts of a Kv put through the SDK").hasValue(1);

        attempts.set(0);
        assertThatThrownBy(() -> coordinator.call(Services.COORDINATOR, COORDINATOR, (c, ms) -> {
            attempts.incrementAndGet();
            return c.commit(new CommitRequest(0, GOOD));
        }, CALL_MS)).isInstanceOf(DeadlineExceeded.class);
        assertThat(attempts).as("attempts of a commit through the RpcClient").hasValue(1);
        assertNoErrorLogged();
    }

    private void coordinatorCases(List<Case> cases) {
        cases.add(coordinatorCase("begin(null)", c -> c.begin(null)).naming("request"));
        cases.add(coordinatorCase("begin: negative txTimeoutMs", c -> c.begin(new BeginRequest(CALL_MS, -1))).naming("txTimeoutMs"));
        cases.add(coordinatorCase("enlist(null)", c -> c.enlist(null)).naming("request"));
        cases.add(coordinatorCase("commit(null)", c -> c.commit(null)).naming("request"));
        cases.add(coordinatorCase("abort(null)", c -> c.abort(null)).naming("request"));
        cases.add(coordinatorCase("status(null)", c -> c.status(null)).naming("request"));
        cases.add(coordinatorCase("commitWrites(null)", c -> c.commitWrites(null)).naming("request"));
        BAD_TX_IDS.forEach((part, bad) -> {
            cases.add(coordinatorCase("enlist: txId " + part, c -> c.enlist(new EnlistRequest(CALL_MS, bad, P, 1))).naming("txId", part));
            cases.add(coordinatorCase("commit: txId " + part, c -> c.commit(new CommitRequest(CALL_MS, bad))).naming("txId", part));
            cases.add(coordinatorCase("abort: txId " + part, c -> c.abort(new AbortRequest(CALL_MS, bad))).naming("txId", part));
            cases.add(coordinatorCase("status: txId " + part, c -> c.status(new StatusRequest(CALL_MS, bad))).naming("txId", part));
        });
        cases.add(coordinatorCase("enlist: empty participantId", c -> c.enlist(new EnlistRequest(CALL_MS, GOOD, "", 1)))
                .naming("participantId"));
        cases.add(coordinatorCase("enlist: negative incarnation", c -> c.enlist(new EnlistRequest(CALL_MS, GOOD, P, -1)))
                .naming("incarnation"));
        cases.add(coordinatorCase("status: empty participant id",
                c -> c.status(new StatusRequest(CALL_MS, GOOD).setParticipants(List.of("")))).naming("participants"));
    }

    private void participantCases(List<Case> cases) {
        cases.add(participantCase("exchange(null)", c -> c.exchange(null)).naming("request"));
        cases.add(participantCase("peerState(null)", c -> c.peerState(null)).naming("request"));
        cases.add(participantCase("recoverPrepared(null)", c -> c.recoverPrepared(null)).naming("request"));
        BAD_TX_IDS.forEach((part, bad) -> {
            cases.add(participantCase("exchange: decision txId " + part,
                    c -> c.exchange(new ExchangeRequest(CALL_MS, List.of(), List.of(new DecisionItem(bad, true)))))
                    .naming("decisions[0].txId", part));
            cases.add(participantCase("peerState: txId " + part, c -> c.peerState(new PeerStateRequest(CALL_MS, bad, "B")))
                    .naming("txId", part));
        });
        cases.add(participantCase("peerState: empty askingParticipantId",
                c -> c.peerState(new PeerStateRequest(CALL_MS, GOOD, ""))).naming("askingParticipantId"));
    }

    private void kvCases(List<Case> cases) {
        malformedContexts().forEach((what, ctx) -> kvCalls(ctx.ctx)
                .forEach((name, call) -> cases.add(kvCase(name + ": " + what, call).naming(ctx.fields))));
        TxContext ok = new TxContext(GOOD, 1, CALL_MS);
        cases.add(kvCase("get: null key", c -> c.get(ok, null)).naming("key"));
        cases.add(kvCase("put: null key", c -> c.put(ok, null, bytes(1))).naming("key"));
        cases.add(kvCase("put: null value", c -> c.put(ok, bytes(1), null)).naming("value"));
        cases.add(kvCase("remove: null key", c -> c.remove(ok, null)).naming("key"));
    }

    private void adminCases(List<Case> cases) {
        cases.add(adminCase("listInDoubt(null)", c -> c.listInDoubt(null)).naming("request"));
        cases.add(adminCase("resolve(null)", c -> c.resolve(null)).naming("request"));
        BAD_TX_IDS.forEach((part, bad) -> cases.add(adminCase("resolve: txId " + part,
                c -> c.resolve(new ResolveRequest(CALL_MS, bad, true, true))).naming("txId", part)));
        cases.add(adminCase("resolve: operator name with a newline", c -> c.resolve(new ResolveRequest(CALL_MS, GOOD, true, true)
                .setOperator(new OperatorCredential("ops\nforged line")))).naming("operator.name"));
        cases.add(on("Coordinator Admin.listInDoubt(null)", coordinator, Services.ADMIN, ADMIN, c -> c.listInDoubt(null))
                .naming("request"));
        cases.add(on("Coordinator Admin.resolve(null)", coordinator, Services.ADMIN, ADMIN, c -> c.resolve(null))
                .naming("request"));
    }

    private void demoCases(List<Case> cases) {
        malformedContexts().forEach((what, ctx) -> demoCalls(ctx.ctx)
                .forEach((name, call) -> cases.add(call.apply(name + ": " + what).naming(ctx.fields))));
        TxContext ok = new TxContext(GOOD, 1, CALL_MS);
        cases.add(studentCase("getStudent: negative studentId", c -> c.getStudent(ok, -1)).naming("studentId"));
        cases.add(studentCase("addCourse: negative studentId", c -> c.addCourse(ok, -1, 0)).naming("studentId"));
        cases.add(studentCase("addCourse: negative courseId", c -> c.addCourse(ok, 0, -1)).naming("courseId"));
        cases.add(studentCase("removeCourse: negative courseId", c -> c.removeCourse(ok, 0, -1)).naming("courseId"));
        cases.add(studentCase("putStudent: null student", c -> c.putStudent(ok, null)).naming("student"));
        cases.add(studentCase("putStudent: negative id", c -> c.putStudent(ok, new Student(-1, "x", List.of())))
                .naming("student.id"));
        cases.add(studentCase("putStudent: id over ID_MAX", c -> c.putStudent(ok, new Student(Records.ID_MAX + 1, "x", List.of())))
                .naming("student.id"));
        cases.add(studentCase("putStudent: name too long", c -> c.putStudent(ok, new Student(0, "x".repeat(201), List.of())))
                .naming("student.name"));
        cases.add(studentCase("putStudent: too many courses", c -> c.putStudent(ok, new Student(0, "x", List.of(1, 2, 3, 4, 5, 6))))
                .naming("student.courses"));
        cases.add(courseCase("putCourse: roster over capacity", c -> c.putCourse(ok, new Course(0, "x", 1, List.of(0, 1))))
                .naming("course.roster"));
        cases.add(courseCase("getCourse: negative courseId", c -> c.getCourse(ok, -1)).naming("courseId"));
        cases.add(courseCase("addStudent: negative courseId", c -> c.addStudent(ok, -1, 0)).naming("courseId"));
        cases.add(courseCase("removeStudent: negative studentId", c -> c.removeStudent(ok, 0, -1)).naming("studentId"));
        cases.add(courseCase("putCourse: null course", c -> c.putCourse(ok, null)).naming("course"));
        cases.add(courseCase("putCourse: negative capacity", c -> c.putCourse(ok, new Course(0, "x", -1, List.of())))
                .naming("course.capacity"));
    }

    /** A TxContext that is missing or malformed, and the fields the answer must name. */
    private record BadContext(TxContext ctx, String... fields) {}

    private static Map<String, BadContext> malformedContexts() {
        Map<String, BadContext> out = new java.util.LinkedHashMap<>();
        out.put("null ctx", new BadContext(null, "ctx"));
        BAD_TX_IDS.forEach((part, bad) -> out.put("ctx.txId " + part, new BadContext(new TxContext(bad, 1, CALL_MS), "ctx.txId", part)));
        out.put("negative opSeq", new BadContext(new TxContext(GOOD, -1, CALL_MS), "ctx.opSeq"));
        return out;
    }

    private static Map<String, ClientCall<Kv.Client>> kvCalls(TxContext ctx) {
        return Map.of("get", c -> c.get(ctx, bytes(1)),
                "put", c -> c.put(ctx, bytes(1), bytes(2)),
                "remove", c -> c.remove(ctx, bytes(1)));
    }

    /** One case maker per demo method, each called with {@code ctx} and valid ids. */
    private Map<String, Function<String, Case>> demoCalls(TxContext ctx) {
        Map<String, Function<String, Case>> out = new java.util.LinkedHashMap<>();
        out.put("getStudent", n -> studentCase(n, c -> c.getStudent(ctx, 0)));
        out.put("scanStudents", n -> studentCase(n, c -> c.scanStudents(ctx)));
        out.put("putStudent", n -> studentCase(n, c -> c.putStudent(ctx, new Student(0, "Ada", List.of()))));
        out.put("addCourse", n -> studentCase(n, c -> c.addCourse(ctx, 0, 0)));
        out.put("removeCourse", n -> studentCase(n, c -> c.removeCourse(ctx, 0, 0)));
        out.put("getCourse", n -> courseCase(n, c -> c.getCourse(ctx, 0)));
        out.put("scanCourses", n -> courseCase(n, c -> c.scanCourses(ctx)));
        out.put("putCourse", n -> courseCase(n, c -> c.putCourse(ctx, new Course(0, "Logic", 10, List.of()))));
        out.put("addStudent", n -> courseCase(n, c -> c.addStudent(ctx, 0, 0)));
        out.put("removeStudent", n -> courseCase(n, c -> c.removeStudent(ctx, 0, 0)));
        return out;
    }

    private Case coordinatorCase(String name, ClientCall<Coordinator.Client> call) {
        return on("Coordinator." + name, coordinator, Services.COORDINATOR, COORDINATOR, call);
    }

    private Case participantCase(String name, ClientCall<Participant.Client> call) {
        return on("Participant." + name, participant, Services.PARTICIPANT, PARTICIPANT, call);
    }

    private Case kvCase(String name, ClientCall<Kv.Client> call) {
        return on("Kv." + name, participant, Services.KV, KV, call);
    }

    private Case adminCase(String name, ClientCall<Admin.Client> call) {
        return on("Participant Admin." + name, participant, Services.ADMIN, ADMIN, call);
    }

    private Case studentCase(String name, ClientCall<StudentService.Client> call) {
        return on("StudentService." + name, participant, Topology.STUDENT_SERVICE, STUDENTS, call);
    }

    private Case courseCase(String name, ClientCall<CourseService.Client> call) {
        return on("CourseService." + name, participant, Topology.COURSE_SERVICE, COURSES, call);
    }

    private static <C extends TServiceClient> Case on(String name, RpcClient rpc, String service,
            TServiceClientFactory<C> factory, ClientCall<C> call) {
        return new Case(name, () -> rpc.call(service, factory, (c, remainingMs) -> {
            call.call(c);
            return null;
        }, CALL_MS), new String[0]);
    }

    @FunctionalInterface
    private interface ClientCall<C> {
        void call(C client) throws TException;
    }

    @FunctionalInterface
    private interface Send {
        void send() throws TException;
    }

    /** One request and the fields its InvalidArgument must name. */
    private record Case(String name, Send send, String[] fields) {
        Case naming(String... f) {
            return new Case(name, send, f);
        }

        void check() {
            assertThat(fields).as("fields %s must name", name).isNotEmpty();
            expecting(InvalidArgument.class, fields);
        }

        void expecting(Class<? extends TException> type, String... fragments) {
            clearLogs();
            assertThatThrownBy(send::send).as(name).isInstanceOf(type).message().contains(fragments);
            assertNoErrorLogged();
        }
    }

    /** The appender adds under its own lock (AppenderBase), so the test reads and clears under it too. */
    private static void clearLogs() {
        synchronized (logs) {
            logs.list.clear();
        }
    }

    private static void assertNoErrorLogged() {
        List<ILoggingEvent> logged;
        synchronized (logs) {
            logged = List.copyOf(logs.list);
        }
        assertThat(logged.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList())
                .as("lines logged at ERROR").isEmpty();
    }

    private static ByteBuffer bytes(int b) {
        return ByteBuffer.wrap(new byte[] {(byte) b});
    }
}
