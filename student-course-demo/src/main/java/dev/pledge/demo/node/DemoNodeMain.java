package dev.pledge.demo.node;

import dev.pledge.demo.client.Topology;
import dev.pledge.demo.wire.CourseService;
import dev.pledge.demo.wire.StudentService;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.app.TxKv;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.ParticipantProcess;
import dev.pledge.wire.TxContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.thrift.TException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * One participant process of the demo: a student shard or the course node, built on the
 * participant library. The enrollment service and the Pledge protocol share one port.
 */
@Command(name = "demo-node", mixinStandardHelpOptions = true, description = "A student shard or the course node.",
        footer = "Every other flag configures the participant: %n" + "[--config FILE] [--key=value | --key value ...]")
public final class DemoNodeMain implements Callable<Integer> {
    /** The participant's own flags, read by its one loader (ParticipantSettings). */
    @Unmatched
    List<String> participantArgs = new ArrayList<>();

    @Option(names = "--role", required = true, description = "student or course")
    String role;

    @Option(names = "--shard", defaultValue = "0", description = "student shard index")
    int shard;

    @Option(names = "--shards", defaultValue = "2", description = "number of student shards")
    int shards;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoNodeMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ParticipantConfig config = ParticipantProcess.config(participantArgs);
        ParticipantNode node = ParticipantProcess.node(config);
        if (!ROLES.contains(role)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--role must be one of " + ROLES + ", was " + role);
        }
        withRole(node, role, shard, shards);
        ParticipantProcess.serve(node, config.core().participantId() + " (" + role + ")");
        return 0;
    }

    static final String STUDENT = "student";
    static final String COURSE = "course";
    static final java.util.Set<String> ROLES = java.util.Set.of(STUDENT, COURSE);

    /** The demo's service and validator of {@code role} on {@code node}: a student shard (index {@code shard} of {@code shards}) or the course node. */
    static ParticipantNode withRole(ParticipantNode node, String role, int shard, int shards) {
        BranchRunner runner = runnerOf(node);
        return switch (role) {
            case STUDENT -> node.withValidator(Validators.students())
                    .withService(Topology.STUDENT_SERVICE, new StudentService.Processor<>(new StudentHandler(runner, shard, shards)));
            case COURSE -> node.withValidator(Validators.courses())
                    .withService(Topology.COURSE_SERVICE, new CourseService.Processor<>(new CourseHandler(runner)));
            default -> throw new IllegalArgumentException("role must be one of " + ROLES + ", was " + role);
        };
    }

    /** The participant library's execute, seen through the demo's narrow interface (public for in-JVM tests). */
    public static BranchRunner runnerOf(ParticipantNode node) {
        return new BranchRunner() {
            @Override
            public <R> R execute(TxContext ctx, Work<R> work) throws TException {
                return node.execute(ctx, kv -> work.run(store(kv)));
            }
        };
    }

    private static BranchRunner.Store store(TxKv kv) {
        return new BranchRunner.Store() {
            @Override
            public byte[] get(byte[] key) throws TException {
                return kv.get(key);
            }

            @Override
            public byte[] getForUpdate(byte[] key) throws TException {
                return kv.getForUpdate(key);
            }

            @Override
            public void put(byte[] key, byte[] value) throws TException {
                kv.put(key, value);
            }
        };
    }
}
