package dev.pledge.chaos.cluster;

/** The faults the nemesis injects into the container cluster. */
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
    PACKET_LOSS
}
