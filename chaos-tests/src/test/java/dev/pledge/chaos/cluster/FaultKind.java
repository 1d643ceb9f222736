package dev.pledge.chaos.cluster;

import java.util.EnumSet;
import java.util.Set;

/** The faults the nemesis injects: into the container cluster ({@link #IN_CONTAINERS}), or into replicated machines ({@link #ON_MACHINES}). */
enum FaultKind {
    /** SIGKILL a node (the coordinator included), leave it down a while, restart it on its data. */
    KILL,
    /** Freeze a node's processes for longer than any RPC deadline, then thaw them. */
    PAUSE,
    /** Disconnect one node from the network: no other node (nor the client) reaches it. */
    ISOLATE,
    /** DROP traffic between the coordinator and one participant, both ways. */
    CUT_COORDINATOR_FROM_PARTICIPANT,
    /** DROP traffic between the participants, both ways; each still reaches the coordinator. */
    CUT_PARTICIPANTS,
    /** Coordinator cut from one participant while that participant is also cut from one peer: termination must use the other. */
    CUT_COORDINATOR_AND_PEER,
    /** Drop a share of one node's incoming packets at random (iptables statistic; there is no netem here). */
    PACKET_LOSS,
    /**
     * Crash-stop and replacement: SIGKILL a machine, delete its data directory, leave it down a
     * while, start it again on the empty directory as the replacement of its old self.
     */
    WIPE;

    /** What the container cluster suffers: every participant there has one disk, so none is wiped. */
    static final Set<FaultKind> IN_CONTAINERS = EnumSet.range(KILL, PACKET_LOSS);
    /** What a machine hosting a replica of every shard (and a coordinator) suffers, one machine at a time. */
    static final Set<FaultKind> ON_MACHINES = EnumSet.of(KILL, PAUSE, WIPE);
}
