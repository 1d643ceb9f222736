package dev.pledge.participant.rpc;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;

/** A branch an operator decided by hand (HEURISTIC_*), or one found MIXED, and when. */
public record HeuristicEntry(TxId txId, BranchState state, long atMs) {}
