package dev.pledge.demo.node;

import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.rpc.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MachineLayoutTest {
    @Test
    void aMachineServesRaftThenItsCoordinatorThenEachShardThenItsMetricsOnConsecutivePortsFromItsBase() {
        MachineLayout m = new MachineLayout("m2", Endpoint.parse("10.0.0.2:7705"));

        assertThat(m.raft()).isEqualTo(Endpoint.parse("10.0.0.2:7705"));
        assertThat(m.coordinator()).isEqualTo(Endpoint.parse("10.0.0.2:7706"));
        assertThat(List.of(m.shard(DemoCluster.STUDENT_A), m.shard(DemoCluster.STUDENT_B), m.shard(DemoCluster.COURSE_C)))
                .containsExactly(Endpoint.parse("10.0.0.2:7707"), Endpoint.parse("10.0.0.2:7708"), Endpoint.parse("10.0.0.2:7709"));
        assertThat(m.metrics()).isEqualTo(Endpoint.parse("10.0.0.2:7710"));
        assertThat(MachineLayout.PORTS).isEqualTo(6);
        assertThat(m.coordinatorId()).isEqualTo("coord-m2");
    }

    @Test
    void aBasePortWhoseLastPortWouldPass65535IsRefused() {
        assertThatThrownBy(() -> new MachineLayout("m1", Endpoint.parse("127.0.0.1:65531")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("machine m1: base port must be in [1, 65530] (it takes 6 ports), was 65531");
    }

    @Test
    void aShardNoMachineHostsIsRefusedByName() {
        MachineLayout m = new MachineLayout("m1", Endpoint.parse("127.0.0.1:7700"));
        assertThatThrownBy(() -> m.shard("student-z"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no shard student-z on a demo machine");
    }

    @Test
    void machinesAreNamedByIdAndBaseAddress() {
        Map<String, MachineLayout> all = DemoMachineMain.layouts(Map.of("m1", "127.0.0.1:7700"));
        assertThat(all.get("m1").shard(DemoCluster.COURSE_C)).isEqualTo(Endpoint.parse("127.0.0.1:7704"));
    }
}
