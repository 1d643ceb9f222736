package dev.pledge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pledge.demo.certs.CertsCommand;
import dev.pledge.demo.launch.LocalCluster;
import dev.pledge.participant.config.ReplicationSettings;
import dev.pledge.participant.replication.ReplicaStartup;
import dev.pledge.participant.replication.ShardGroup;
import dev.pledge.participant.replication.ShardMembership;
import dev.pledge.tls.TlsFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A shard's Raft links over TLS, with certificates made by {@code pledge certs}: three replicas,
 * each with a participant certificate, elect a leader and commit over TLS with a certificate at
 * both ends; an operator's certificate may ask the group who leads; an application's or a
 * coordinator's, though the same CA signed them, and a plain gRPC client are refused.
 */
@Timeout(120)
class RaftTlsTest {
    private static final List<String> REPLICAS = List.of("r1", "r2", "r3");
    private static final ReplicationSettings SETTINGS = new ReplicationSettings(300, 600, 3_000, 20, 10_000, 1 << 20, 64);
    private static final Duration LEADER_WAIT_MAX = Duration.ofSeconds(60);

    @TempDir
    Path root;
    private Path certs;
    private ShardGroup group;
    private final List<ReplicaStartup> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        certs = root.resolve("certs");
        int exit = new CommandLine(new CertsCommand()).execute("--out", certs.toString(), "--coordinators", "coord-1",
                "--participants", String.join(",", REPLICAS), "--clients", "app", "--operators", "alice");
        assertThat(exit).as("pledge certs").isZero();
        Map<String, InetSocketAddress> replicas = new LinkedHashMap<>();
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        for (String id : REPLICAS) replicas.put(id, new InetSocketAddress(host, LocalCluster.freePort(host)));
        group = new ShardGroup("C", replicas);
        // A new cluster's first start: each bootstraps once the other two answered, over TLS.
        for (String id : REPLICAS) {
            running.add(ReplicaStartup.begin(group, id, root.resolve(id), SETTINGS.withTls(files(id)), true));
        }
    }

    @AfterEach
    void stop() throws IOException {
        for (ReplicaStartup r : running) r.close();
    }

    @Test
    void replicasElectAndCommitOverTlsAndOnlyAnOperatorMayAskThem() {
        ShardMembership asOperator = membership(files("alice"));
        ShardMembership.Answer leader = await().atMost(LEADER_WAIT_MAX)
                .until(() -> asOperator.leader(group.replicas().values()), Optional::isPresent).get();
        assertThat(leader.servers()).as("the group's members, as its leader reports them").hasSize(REPLICAS.size());
        // A leader's term starts with an entry it commits on a majority: the replicas append to each other over TLS.
        await().atMost(LEADER_WAIT_MAX).until(() -> asOperator.askAll(group.replicas().values()).stream()
                .allMatch(a -> a.answered() && a.info().getCommitInfos().stream().allMatch(c -> c.getCommitIndex() >= 0)));

        InetSocketAddress at = leader.address();
        for (String refused : List.of("app", "coord-1")) {
            ShardMembership.Answer answer = membership(files(refused)).ask(at);
            assertThat(answer.answered()).as("%s's certificate asking the leader", refused).isFalse();
            assertThat(answer.error()).isNotNull();
        }
        assertThat(membership(null).ask(at).answered()).as("a plain gRPC client asking the leader").isFalse();
        assertThat(asOperator.ask(at).answered()).as("the operator, asking again").isTrue();
    }

    private ShardMembership membership(TlsFiles tls) {
        return new ShardMembership(group, SETTINGS.withTls(tls), ShardMembership.ASK_TIMEOUT_MS_DEFAULT);
    }

    private TlsFiles files(String name) {
        return TlsFiles.inDirectory(certs, name);
    }
}
