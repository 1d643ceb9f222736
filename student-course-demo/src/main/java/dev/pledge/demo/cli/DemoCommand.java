package dev.pledge.demo.cli;

import dev.pledge.client.PledgeClient;
import dev.pledge.demo.client.Enrollment;
import dev.pledge.demo.client.OpResult;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.domain.Audit;
import dev.pledge.demo.launch.ClusterProbe;
import dev.pledge.demo.certs.TlsOptions;
import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.rpc.Endpoint;
import dev.pledge.rpc.RpcClientConfig;
import dev.pledge.wire.PingResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pledge demo ...}: run the enrollment cluster, or talk to a running one. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The student-course enrollment demo.",
        subcommands = {DemoUp.class, DemoRun.class})
public final class DemoCommand {
    @Option(names = "--data-dir", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "data directory of the cluster (default: ${DEFAULT-VALUE})")
    Path dataDir = Path.of(DemoCluster.DATA_DIR_DEFAULT);

    private <T> T withEnrollment(TlsOptions tls, EnrollmentCall<T> call) throws Exception {
        Topology t = DemoCluster.readFile(dataDir);
        PledgeClient.Builder builder = PledgeClient.builder().coordinators(t.coordinators()).clientName("demo-cli").rpcConfig(rpc(tls));
        DemoCluster.readReplicaSets(dataDir).forEach(builder::replicaSet);
        try (PledgeClient client = builder.build()) {
            return call.apply(new Enrollment(client, t, Duration.ofSeconds(5)));
        }
    }

    /**
     * How these commands call the cluster: over TLS when it was started with `demo up --tls` (its
     * cluster file names the certificates) or --tls is given, presenting the demo client's certificate.
     */
    private RpcClientConfig rpc(TlsOptions tls) {
        Path certs = DemoCluster.readCerts(dataDir);
        return tls.apply(RpcClientConfig.defaults(), certs != null, certs != null ? certs : dataDir.resolve(LocalCluster.CERTS_DIR),
                LocalCluster.TLS_CLIENT);
    }

    @FunctionalInterface
    private interface EnrollmentCall<T> {
        T apply(Enrollment e) throws Exception;
    }

    private static int report(OpResult r) {
        System.out.println(r);
        return r.committed() ? 0 : 1;
    }

    @Command(name = "enroll", description = "Enroll student S in course C (both sides or neither).")
    int enroll(@Parameters(paramLabel = "S") int s, @Parameters(paramLabel = "C") int c, @Mixin TlsOptions tls) throws Exception {
        return withEnrollment(tls, e -> report(e.enroll(s, c)));
    }

    @Command(name = "drop", description = "Drop student S from course C.")
    int drop(@Parameters(paramLabel = "S") int s, @Parameters(paramLabel = "C") int c, @Mixin TlsOptions tls) throws Exception {
        return withEnrollment(tls, e -> report(e.drop(s, c)));
    }

    @Command(name = "student", description = "Show student S.")
    int student(@Parameters(paramLabel = "S") int s, @Mixin TlsOptions tls) throws Exception {
        return withEnrollment(tls, e -> {
            var st = e.readStudent(s);
            System.out.println("student " + st.getId() + " " + st.getName() + ": courses " + st.getCourses());
            return 0;
        });
    }

    @Command(name = "course", description = "Show course C.")
    int course(@Parameters(paramLabel = "C") int c, @Mixin TlsOptions tls) throws Exception {
        return withEnrollment(tls, e -> {
            var co = e.readCourse(c);
            System.out.println("course " + co.getId() + " " + co.getTitle() + ": " + co.getRoster().size() + "/"
                    + co.getCapacity() + " seats, roster " + co.getRoster());
            return 0;
        });
    }

    @Command(name = "audit", description = "Check, in one serializable read, that both sides agree everywhere.")
    int audit(@Mixin TlsOptions tls) throws Exception {
        return withEnrollment(tls, e -> {
            Audit.Result r = e.audit();
            if (r == null) {
                System.out.println("audit: could not get a consistent snapshot (heavy lock conflicts); try again");
                return 2;
            }
            System.out.println("audit: " + r);
            r.violations().forEach(v -> System.out.println("  " + v));
            return r.clean() ? 0 : 1;
        });
    }

    @Command(name = "status", description = "Which nodes are up, and branches in doubt on each participant;"
            + " with --replicas, every replica of each shard and which one leads.")
    int status(@Mixin TlsOptions tls) {
        Topology t = DemoCluster.readFile(dataDir);
        List<List<Endpoint>> replicaSets = DemoCluster.readReplicaSets(dataDir);
        Map<String, Endpoint> participants = new LinkedHashMap<>();
        participants.put(DemoCluster.STUDENT_A, t.studentShards().get(0));
        participants.put(DemoCluster.STUDENT_B, t.studentShards().get(1));
        participants.put(DemoCluster.COURSE_C, t.courses());
        int down = 0;
        try (ClusterProbe probe = new ClusterProbe(rpc(tls))) {
            for (Endpoint coordinator : t.coordinators()) {
                try {
                    PingResponse p = probe.pingCoordinator(coordinator);
                    System.out.printf("coordinator  %-21s up   (%s, epoch %d)%n", coordinator, p.getNodeId(), p.getEpoch());
                } catch (Exception e) {
                    down++;
                    System.out.printf("coordinator  %-21s DOWN (%s)%n", coordinator, e.getMessage());
                }
            }
            for (var entry : participants.entrySet()) {
                List<Endpoint> replicas = replicaSets.stream().filter(set -> set.contains(entry.getValue())).findFirst()
                        .orElse(null);
                down += replicas == null ? participantStatus(probe, entry.getKey(), entry.getValue())
                        : shardStatus(probe, entry.getKey(), replicas);
            }
        }
        return down == 0 ? 0 : 1;
    }

    /** One line for an unreplicated participant; 1 if it is down. */
    private static int participantStatus(ClusterProbe probe, String name, Endpoint at) {
        try {
            PingResponse p = probe.pingParticipant(at);
            int inDoubt = probe.inDoubt(at).size();
            System.out.printf("%-12s %-21s up   (incarnation %d, %d in doubt)%n", name, at, p.getEpoch(), inDoubt);
            return 0;
        } catch (Exception e) {
            System.out.printf("%-12s %-21s DOWN (%s)%n", name, at, e.getMessage());
            return 1;
        }
    }

    /**
     * One line per replica of a replicated shard: the leader ({@link ClusterProbe#leads}) with its
     * incarnation and branches in doubt, followers, replicas down; and a line if none leads.
     * Returns how many are down, plus one if the shard has no leader.
     */
    private static int shardStatus(ClusterProbe probe, String name, List<Endpoint> replicas) {
        int down = 0;
        boolean led = false;
        for (Endpoint at : replicas) {
            try {
                PingResponse p = probe.pingParticipant(at);
                if (ClusterProbe.leads(p)) {
                    led = true;
                    int inDoubt = probe.inDoubt(at).size();
                    System.out.printf("%-12s %-21s up   (leader, incarnation %d, %d in doubt)%n", name, at, p.getEpoch(), inDoubt);
                } else {
                    System.out.printf("%-12s %-21s up   (follower)%n", name, at);
                }
            } catch (Exception e) {
                down++;
                System.out.printf("%-12s %-21s DOWN (%s)%n", name, at, e.getMessage());
            }
        }
        if (!led) {
            System.out.printf("%-12s no replica leads: the shard is unavailable until a majority of its replicas is up%n", name);
            down++;
        }
        return down;
    }
}
