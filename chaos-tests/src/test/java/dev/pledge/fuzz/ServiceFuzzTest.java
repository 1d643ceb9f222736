package dev.pledge.fuzz;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;

/**
 * Generated requests and bytes against every Thrift service of every node kind (Coordinator,
 * Participant, Kv, Admin on both kinds, the demo's StudentService and CourseService), over real
 * sockets to real nodes, and bytes for the TLS layer before any handshake ({@link HandshakeBytes}). Each input must get an answer or a closed connection, never
 * TApplicationException(INTERNAL_ERROR), never silence, never a line at ERROR; a well-formed call
 * must get a real answer. Every {@value #BATCH_INPUTS} inputs, and at the end, the nodes must still
 * serve a normal transaction ({@link FuzzedCluster#assertServing}).
 *
 * <p>The suite runs a small budget with a fixed seed; a long run: {@code ./mvnw -B -o -pl chaos-tests
 * surefire:test -Dtest=ServiceFuzzTest -Dfuzz.tries=1000000}, and {@code -Dfuzz.tls=true} runs it
 * against nodes that speak TLS ({@link FuzzedCluster}). Each property prints its inputs per second
 * and what the answers were.
 */
@AddLifecycleHook(FuzzTries.class)
class ServiceFuzzTest {
    static final int BATCH_INPUTS = 50;

    private static FuzzedCluster cluster;
    private static LogCapture logs;
    private static final Map<String, Long> answers = new TreeMap<>();
    private static long inputs;
    private static long startedNs;

    @BeforeContainer
    static void start() throws Exception {
        cluster = FuzzedCluster.start();
        logs = LogCapture.install();
    }

    @AfterContainer
    static void stop() throws Exception {
        if (logs != null) logs.close();
        if (cluster != null) cluster.close();
    }

    @BeforeProperty
    void resetCounts() throws Exception {
        answers.clear();
        inputs = 0;
        logs.resetWarns();
        cluster.assertServing();
        startedNs = System.nanoTime();
    }

    @AfterProperty
    void nodesStillServeAndReport() throws Exception {
        double seconds = (System.nanoTime() - startedNs) / 1e9;
        if (inputs > 0) System.out.printf("fuzz: %d inputs in %.1f s = %.0f inputs/s; %d WARN lines (last: %s); answers %s%n",
                inputs, seconds, inputs / seconds, logs.warnCount(), logs.lastWarns(), answers);
        cluster.assertServing();
        assertNoFinding(null, null, logs.takeErrors());
    }

    @Property(tries = 2_000, seed = "15003", shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void everyGeneratedCallIsAnsweredNeverWithAnInternalError(@ForAll("calls") FuzzInput input) throws Exception {
        exchange(input);
    }

    @Property(tries = 3_000, seed = "15004", shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void noMalformedBytesStopANode(@ForAll("rawBytes") FuzzInput input) throws Exception {
        exchange(input);
    }

    @Property(tries = 500, seed = "15005", shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void noBytesBeforeAHandshakeStopANode(@ForAll("handshakeBytes") FuzzInput input) throws Exception {
        WireExchange.Answer answer = WireExchange.drain(input);
        inputs++;
        count(answer);
        assertNoFinding(input, answer, logs.takeErrors());
        if (inputs % BATCH_INPUTS == 0) assertServingAfter(input);
    }

    /**
     * Found by the fuzzer (seed 15004, try 2521): a length with its top bit set, in a message name or
     * an argument, made Thrift throw StringIndexOutOfBoundsException and log it at ERROR.
     */
    @Example
    void aNegativeStringOrBinaryLengthClosesTheConnectionWithoutAnError() throws Exception {
        FuzzTarget admin = cluster.targets().get(1);
        byte[] negativeNameLength = HexFormat.of().parseHex("00000018800100018000000f41646d696e3a73746174736b69577500");
        FuzzInput badName = new FuzzInput(admin, null, true, "name length -2147483633", negativeNameLength);
        assertNoFinding(badName, WireExchange.send(badName), logs.takeErrors());
        FuzzTarget kv = cluster.targets().get(3);
        TMemoryBuffer buffer = new TMemoryBuffer(64);
        TBinaryProtocol out = new TBinaryProtocol(buffer);
        out.writeMessageBegin(new TMessage(kv.service() + ":get", TMessageType.CALL, 1));
        out.writeFieldBegin(new TField("key", TType.STRING, (short) 2));
        out.writeI32(-16);
        byte[] negativeKeyLength = Frames.frame(buffer.getArray(), buffer.length());
        FuzzInput badKey = new FuzzInput(kv, null, true, "key length -16", negativeKeyLength);
        assertNoFinding(badKey, WireExchange.send(badKey), logs.takeErrors());
        cluster.assertServing();
    }

    @Provide
    Arbitrary<FuzzInput> calls() {
        return inputs(StructuredRequests::next);
    }

    @Provide
    Arbitrary<FuzzInput> rawBytes() {
        return inputs(RawFrames::next);
    }

    @Provide
    Arbitrary<FuzzInput> handshakeBytes() {
        return inputs(HandshakeBytes::next);
    }

    private static Arbitrary<FuzzInput> inputs(BiFunction<Random, List<FuzzTarget>, FuzzInput> generator) {
        return Arbitraries.randomValue(random -> generator.apply(random, cluster.targets()));
    }

    private static void exchange(FuzzInput input) throws Exception {
        WireExchange.Answer answer = WireExchange.send(input);
        inputs++;
        count(answer);
        assertNoFinding(input, answer, logs.takeErrors());
        if (inputs % BATCH_INPUTS == 0) assertServingAfter(input);
    }

    private static void assertServingAfter(FuzzInput last) throws Exception {
        try {
            cluster.assertServing();
        } catch (AssertionError | Exception e) {
            throw new AssertionError("after " + inputs + " inputs the nodes stopped serving; the last was " + last, e);
        }
    }

    /** Fails, naming the input, on INTERNAL_ERROR, silence, a malformed answer or an ERROR line. */
    private static void assertNoFinding(FuzzInput input, WireExchange.Answer answer, List<String> errorLines) {
        String finding = finding(input, answer);
        if (finding == null && errorLines.isEmpty()) return;
        throw new AssertionError((finding == null ? "" : finding + "; ")
                + (errorLines.isEmpty() ? "" : "logged at ERROR: " + errorLines + "; ")
                + "answer: " + answer + "; input: " + input);
    }

    private static String finding(FuzzInput input, WireExchange.Answer answer) {
        if (answer == null) return null;
        if (answer.timedOut()) return "neither an answer nor a closed connection within " + WireExchange.ANSWER_TIMEOUT_MS + " ms";
        if (!answer.problems().isEmpty()) return "a malformed answer";
        for (TApplicationException e : answer.errors()) {
            if (e.getType() == TApplicationException.INTERNAL_ERROR) return "INTERNAL_ERROR";
        }
        if (input.structural()) return null;
        if (!answer.answered()) return "a well-formed call was closed without an answer";
        for (TApplicationException e : answer.errors()) {
            if (e.getType() == TApplicationException.PROTOCOL_ERROR) return "PROTOCOL_ERROR for a well-formed call";
        }
        return null;
    }

    private static void count(WireExchange.Answer answer) {
        String kind;
        if (answer.timedOut()) kind = "timed out";
        else if (!answer.replies().isEmpty()) kind = answer.replies().get(0).split(" ", 2)[0];
        else if (!answer.errors().isEmpty()) kind = "TApplicationException " + answer.errors().get(0).getType();
        else kind = "closed";
        answers.merge(kind, 1L, Long::sum);
    }
}
