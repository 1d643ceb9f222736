package dev.pledge.demo.launch;

import dev.pledge.demo.client.Topology;
import dev.pledge.rpc.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DemoClusterFileTest {
    private static final Topology TOPOLOGY = new Topology(List.of(Endpoint.parse("127.0.0.1:7701")),
            List.of(Endpoint.parse("127.0.0.1:7702"), Endpoint.parse("127.0.0.1:7703")), Endpoint.parse("127.0.0.1:7704"));

    @Test
    void theReplicaSetsOfAReplicatedClusterAreReadBackForTheOtherDemoCommands(@TempDir Path dir) {
        List<List<Endpoint>> sets = List.of(
                List.of(Endpoint.parse("127.0.0.1:7702"), Endpoint.parse("127.0.0.1:7707")),
                List.of(Endpoint.parse("127.0.0.1:7704"), Endpoint.parse("127.0.0.1:7709")));

        DemoCluster.writeFile(dir, TOPOLOGY, null, sets);

        assertThat(DemoCluster.readReplicaSets(dir)).isEqualTo(sets);
        assertThat(DemoCluster.readFile(dir)).isEqualTo(TOPOLOGY);
    }

    @Test
    void aClusterOfOneProcessPerParticipantHasNoReplicaSets(@TempDir Path dir) {
        DemoCluster.writeFile(dir, TOPOLOGY);

        assertThat(DemoCluster.readReplicaSets(dir)).isEmpty();
    }
}
