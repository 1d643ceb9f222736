package dev.pledge.demo.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a cluster laid out on machines names and refuses things, before any process starts. */
class LocalClusterMachinesTest {
    @TempDir
    Path root;

    @Test
    void everyParticipantHasAReplicaOnEveryMachineAndTheMachinesAreTheNodes() {
        LocalCluster cluster = LocalCluster.kv(root, List.of("p1", "p2")).withMachines(3);

        assertThat(cluster.nodeNames()).containsExactly(LocalCluster.COORDINATOR, "m1", "m2", "m3");
        for (String id : List.of("p1", "p2")) {
            assertThat(cluster.replicaEndpoints(id)).hasSize(3).doesNotHaveDuplicates();
            assertThat(cluster.participant(id)).isEqualTo(cluster.replicaEndpoints(id).get(0));
        }
        assertThat(cluster.replicaEndpoints("p1")).doesNotContainAnyElementsOf(cluster.replicaEndpoints("p2"));
    }

    @Test
    void aParticipantOnMachinesIsNeverStartedAsAProcessOfItsOwn() {
        LocalCluster cluster = LocalCluster.kv(root, List.of("p1")).withMachines(3);

        assertThatThrownBy(() -> cluster.startParticipant("p1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runs on machines [m1, m2, m3]");
        assertThatThrownBy(() -> cluster.startReplica("m1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void machinesHostKeyValueShardsOnlyAndReplaceReplicaProcesses() {
        List<LocalCluster.ParticipantSpec> demo = List.of(new LocalCluster.ParticipantSpec("C", "dev.pledge.demo.node.DemoNodeMain", List.of("--role", "course")));
        LocalCluster withRoles = new LocalCluster(root, "127.0.0.1", 0, List.of(), demo, java.util.Map.of(), null);
        assertThatThrownBy(() -> withRoles.withMachines(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key-value shards only");

        LocalCluster replicated = LocalCluster.kv(root, List.of("p1")).withReplicas("p1", 3);
        assertThatThrownBy(() -> replicated.withMachines(3)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LocalCluster.kv(root, List.of("p1")).withMachines(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
