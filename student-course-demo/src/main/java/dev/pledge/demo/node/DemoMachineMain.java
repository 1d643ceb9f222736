package dev.pledge.demo.node;

import dev.pledge.coordinator.config.CoordinatorSettings;
import dev.pledge.coordinator.runtime.CoordinatorNode;
import dev.pledge.core.config.ConfigLoader;
import dev.pledge.participant.ParticipantMachine;
import dev.pledge.participant.ParticipantProcess;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.participant.replication.RaftHost;
import dev.pledge.process.ParentWatch;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcTls;
import dev.pledge.tls.TlsFiles;
import dev.pledge.tls.TlsSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * One machine of the replicated demo, as one process: a replica of every shard (students A and B,
 * courses C), each a division of the machine's one Raft server ({@link RaftHost}) and each serving
 * its participant on its own Thrift port, plus a coordinator. Every shard's group is the same
 * machines, named by {@code --machine} flags (or an {@code @file} of them); ports follow
 * {@link MachineLayout}. Each shard keeps its own port because the demo's services are named per
 * role, not per shard (A and B both serve StudentService), and because a leader hint, a peer and a
 * coordinator's registry entry each name one participant's address.
 */
@Command(name = "demo-machine", mixinStandardHelpOptions = true,
        description = "A machine of the replicated demo: a replica of every shard and a coordinator.")
public final class DemoMachineMain implements Callable<Integer> {
    private static final String COORDINATOR_DIR = "coordinator";
    /** Printed once the machine is a member of every shard's group (at once, unless it is joining as a new incarnation). */
    public static final String MEMBER_OF_EVERY_GROUP = "is a member of every shard's group as";

    @Option(names = "--machine-id", required = true, description = "this machine's id among the --machine entries")
    String machineId;

    @Option(names = "--machine", required = true, description = "every machine, this one included: id=host:basePort "
            + "(Raft on basePort, the coordinator on the next, then one port per shard)")
    Map<String, String> machines = new LinkedHashMap<>();

    @Option(names = "--data-dir", required = true, description = "this machine's disk: Raft's logs, every shard's store, the coordinator's log")
    Path dataDir;

    @Option(names = "--bootstrap", description = "this may be the first start of a new cluster: on an empty data dir, "
            + "once every other machine answered that it holds no log, the machine founds every shard's group; "
            + "otherwise (and without this flag) an empty data dir joins as a new incarnation")
    boolean bootstrap;

    @Option(names = "--operator-token-file", description = "the token an operator presents to Admin.resolve, for every shard")
    Path operatorTokenFile;

    @Option(names = "--tls-certs", description = "TLS 1.3 with client certificates on every link, from this directory "
            + "(as `pledge certs` writes it): the coordinator presents NAME.p12 for its id, each shard's replica the "
            + "shard's, the Raft server the machine's (NAME.p12 with NAME.pass); every part trusts only "
            + TlsFiles.CA_CERTIFICATE + " there")
    Path tlsCerts;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoMachineMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, MachineLayout> all = layouts(machines);
        MachineLayout self = all.get(machineId);
        if (self == null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--machine-id " + machineId + " is not among the --machine entries " + all.keySet());
        }
        ParentWatch.startIfRequested("machine " + machineId);
        Machine machine = Machine.start(self, all, dataDir, bootstrap, operatorTokenFile, tlsCerts);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            machine.close();
            stopped.countDown();
        }, "machine-shutdown"));
        System.out.println("machine " + machineId + " listening on " + self.raft() + " (coordinator " + self.coordinatorId()
                + " on " + self.coordinator() + ", shards " + MachineLayout.SHARDS.stream().map(s -> s.id() + " on " + self.shard(s.id())).toList()
                + (machine.host().settings().tls() == null ? ", Raft over plain gRPC"
                        : ", Raft over " + RpcTls.PROTOCOL + " with client certificates")
                + ", /metrics and /health on " + self.metrics() + ", Raft peer " + machine.host().identity().peerId() + ")");
        System.out.flush();
        machine.host().joined().thenAccept(identity -> {
            System.out.println("machine " + machineId + " " + MEMBER_OF_EVERY_GROUP + " " + identity.peerId());
            System.out.flush();
        });
        stopped.await();
        return 0;
    }

    static Map<String, MachineLayout> layouts(Map<String, String> machines) {
        Map<String, MachineLayout> all = new LinkedHashMap<>();
        machines.forEach((id, base) -> all.put(id, new MachineLayout(id, Endpoint.parse(base))));
        return all;
    }

    /** The running parts of one machine, stopped in the reverse order of their start. */
    private static final class Machine implements AutoCloseable {
        private final CoordinatorNode coordinator;
        private final ParticipantMachine shards;
        private volatile MachineOps ops;

        private Machine(CoordinatorNode coordinator, ParticipantMachine shards) {
            this.coordinator = coordinator;
            this.shards = shards;
        }

        static Machine start(MachineLayout self, Map<String, MachineLayout> all, Path dataDir, boolean bootstrap,
                             Path operatorTokenFile, Path tlsCerts) throws Exception {
            List<ParticipantConfig> configs = new ArrayList<>();
            for (MachineLayout.Shard s : MachineLayout.SHARDS) {
                List<String> args = new ArrayList<>(participantArgs(s.id(), self, all, dataDir, operatorTokenFile));
                args.addAll(tlsArgs(tlsCerts, s.id()));
                configs.add(ParticipantProcess.config(args));
            }
            TlsFiles raftTls = tlsCerts == null ? null : TlsFiles.inDirectory(tlsCerts, self.machineId());
            // On a first start this waits until every other machine answered; each prints "listening" only after.
            ParticipantMachine shards = ParticipantMachine.open(self.machineId(), dataDir, configs, bootstrap, raftTls);
            List<String> coordinatorArgs = new ArrayList<>(coordinatorArgs(self, all, dataDir));
            coordinatorArgs.addAll(tlsArgs(tlsCerts, self.coordinatorId()));
            CoordinatorNode coordinator = CoordinatorNode.startMetered(CoordinatorSettings.config(
                    ConfigLoader.load(CoordinatorSettings.SCHEMA, coordinatorArgs)));
            Machine machine = new Machine(coordinator, shards);
            try {
                shards.start(node -> {
                    MachineLayout.Shard s = MachineLayout.shardNamed(node.config().core().participantId());
                    return DemoNodeMain.withRole(node, s.role(), s.index(), MachineLayout.STUDENT_SHARDS);
                });
                machine.ops = MachineOps.serve(self.machineId(), coordinator, shards, self.metrics());
                return machine;
            } catch (Exception | Error e) {
                machine.close();
                throw e;
            }
        }

        RaftHost host() {
            return shards.host();
        }

        @Override
        public void close() {
            MachineOps o = ops;
            if (o != null) o.close();
            shards.close();
            coordinator.close();
        }
    }

    /** The TLS flags of the part presenting certificate {@code name}; none without --tls-certs. */
    private static List<String> tlsArgs(Path tlsCerts, String name) {
        return tlsCerts == null ? List.of() : TlsSettings.flags(TlsFiles.inDirectory(tlsCerts, name));
    }

    /** The coordinator's flags: every shard listed with its replica on every machine. */
    private static List<String> coordinatorArgs(MachineLayout self, Map<String, MachineLayout> all, Path dataDir) {
        List<String> args = new ArrayList<>(List.of("--node-id", self.coordinatorId(), "--listen", self.coordinator().toString(),
                "--data-dir", dataDir.resolve(COORDINATOR_DIR).toString()));
        for (MachineLayout.Shard s : MachineLayout.SHARDS) {
            args.add("--participant");
            args.add(s.id() + "=" + String.join(",", all.values().stream().map(m -> m.shard(s.id()).toString()).toList()));
        }
        return args;
    }

    /**
     * A shard's participant flags: this machine's coordinator first and the others after it; the
     * other shards' replicas on this machine as peers (they are up whenever this one is); every
     * machine as a replica of the shard.
     */
    private static List<String> participantArgs(String shardId, MachineLayout self, Map<String, MachineLayout> all, Path dataDir,
                                                Path operatorTokenFile) {
        List<String> args = new ArrayList<>(List.of("--id", shardId, "--listen", self.shard(shardId).toString(),
                "--data-dir", dataDir.resolve(shardId).toString(),
                "--coordinator", self.coordinator().toString(), "--coordinator-id", self.coordinatorId(),
                "--replica-id", self.machineId()));
        for (MachineLayout m : all.values()) {
            if (!m.equals(self)) args.addAll(List.of("--coordinators", m.coordinatorId() + "=" + m.coordinator()));
            args.addAll(List.of("--replica", m.machineId() + "=" + m.raft() + "/" + m.shard(shardId)));
        }
        for (MachineLayout.Shard peer : MachineLayout.SHARDS) {
            if (!peer.id().equals(shardId)) args.addAll(List.of("--peer", peer.id() + "=" + self.shard(peer.id())));
        }
        if (operatorTokenFile != null) args.addAll(List.of("--operator-token-file", operatorTokenFile.toString()));
        return args;
    }
}
