package dev.pledge.chaos.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NemesisScheduleTest {
    @Test
    void theSameSeedGivesTheSameSchedule() {
        assertThat(NemesisSchedule.plan(42, 20)).isEqualTo(NemesisSchedule.plan(42, 20));
        assertThat(NemesisSchedule.plan(42, 20)).isNotEqualTo(NemesisSchedule.plan(43, 20));
    }

    @Test
    void everyKindIsScheduledAndBothTheCoordinatorAndAParticipantAreKilled() {
        for (long seed = 0; seed < 50; seed++) {
            List<Fault> faults = NemesisSchedule.plan(seed, 14);
            assertThat(faults).extracting(Fault::kind).containsAll(FaultKind.IN_CONTAINERS).doesNotContain(FaultKind.WIPE);
            assertThat(faults).filteredOn(f -> f.kind() == FaultKind.KILL).extracting(f -> f.nodes().get(0))
                    .contains(EnrollmentContainers.COORDINATOR)
                    .anyMatch(EnrollmentContainers.PARTICIPANTS::contains);
        }
    }

    @Test
    void machinesSufferEveryMachineFaultOneMachineAtATime() {
        List<String> machines = List.of("m1", "m2", "m3");
        for (long seed = 0; seed < 50; seed++) {
            List<Fault> faults = NemesisSchedule.forMachines(seed, 8, machines, FaultKind.ON_MACHINES);
            assertThat(faults).hasSize(8).extracting(Fault::kind).containsAll(FaultKind.ON_MACHINES)
                    .allMatch(FaultKind.ON_MACHINES::contains);
            assertThat(faults).allSatisfy(f -> assertThat(f.nodes()).hasSize(1).allMatch(machines::contains));
        }
        assertThat(NemesisSchedule.forMachines(5, 8, machines, FaultKind.ON_MACHINES)).isEqualTo(NemesisSchedule.forMachines(5, 8, machines, FaultKind.ON_MACHINES));
        assertThat(NemesisSchedule.forMachines(5, 8, machines, java.util.EnumSet.of(FaultKind.KILL, FaultKind.PAUSE)))
                .extracting(Fault::kind).doesNotContain(FaultKind.WIPE);
    }

    @Test
    void pausesOutlastEveryRpcDeadlineOfTheCluster() {
        long rpcDeadlineMs = 5_000;
        assertThat(NemesisSchedule.plan(7, 200)).filteredOn(f -> f.kind() == FaultKind.PAUSE)
                .allSatisfy(f -> assertThat(f.durationMs()).isGreaterThan(rpcDeadlineMs));
    }

    @Test
    void cutsNameTheNodesOnEachSide() {
        for (Fault f : NemesisSchedule.plan(3, 200)) {
            switch (f.kind()) {
                case CUT_COORDINATOR_FROM_PARTICIPANT -> {
                    assertThat(f.nodes()).hasSize(2).first().isEqualTo(EnrollmentContainers.COORDINATOR);
                    assertThat(EnrollmentContainers.PARTICIPANTS).contains(f.nodes().get(1));
                }
                case CUT_COORDINATOR_AND_PEER -> {
                    assertThat(f.nodes()).hasSize(3).doesNotHaveDuplicates().first().isEqualTo(EnrollmentContainers.COORDINATOR);
                    assertThat(EnrollmentContainers.PARTICIPANTS).contains(f.nodes().get(1), f.nodes().get(2));
                }
                case CUT_PARTICIPANTS -> assertThat(f.nodes()).containsExactlyElementsOf(EnrollmentContainers.PARTICIPANTS);
                case PACKET_LOSS -> assertThat(f.lossProbability()).isBetween(0.05, 0.5);
                default -> assertThat(f.nodes()).hasSize(1);
            }
        }
    }
}
