package dev.pledge.it;

import dev.pledge.client.PledgeClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Participant C is a shard of three replicas in this JVM (Ratis over loopback gRPC, a RocksDB each),
 * A is one plain node, and a real coordinator commits write-only transactions across both while the
 * shard's leader is stopped. Prints the failover time and the commit latency before the stop.
 */
@Timeout(240)
class ReplicatedShardFailoverTest {
    private static final int CLIENTS = 8;
    private static final long LOAD_BEFORE_KILL_MS = 2_000;
    private static final long LOAD_AFTER_KILL_MS = 4_000;

    @TempDir
    Path root;
    private InJvmCluster cluster;
    private PledgeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void killingTheLeaderDuringPreparesLosesNoAcknowledgedCommitAndEveryTransactionEnds() throws Exception {
        InJvmShard shard = new InJvmShard("C", List.of("r1", "r2", "r3"));
        cluster = new InJvmCluster(root, List.of("A", "C"), c -> c).withReplicatedShard(shard).startAll();
        client = PledgeClient.builder().coordinator(cluster.coordinator()).build();
        String first = await().atMost(Duration.ofSeconds(30)).until(shard::leader, id -> id != null);
        FailoverWorkload load = new FailoverWorkload(client, CLIENTS);

        Thread.sleep(LOAD_BEFORE_KILL_MS);
        long killedAtNs = load.broken();
        Thread killing = new Thread(() -> shard.stop(first), "kill-" + first);
        killing.start();
        String second = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
                .until(shard::leader, id -> id != null && !id.equals(first));
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNs);
        Thread.sleep(LOAD_AFTER_KILL_MS);
        load.stop();
        killing.join();

        load.verify(cluster.participant("A"), shard.endpoint(second));
        System.out.printf("replicated shard failover (in-JVM stop): leader %s stopped, %s serving after %d ms; %s%n",
                first, second, failoverMs, load.summary());
    }
}
