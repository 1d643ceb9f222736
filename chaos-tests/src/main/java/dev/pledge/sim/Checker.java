package dev.pledge.sim;

import dev.pledge.core.BranchState;
import dev.pledge.core.TxId;
import dev.pledge.core.TxState;
import dev.pledge.core.Vote;
import dev.pledge.coordinator.protocol.Message;
import dev.pledge.coordinator.protocol.Record;
import dev.pledge.coordinator.protocol.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The safety invariants of DESIGN.md, checked by name after every step from what the nodes said
 * (answers and messages as they leave), what reached their disks, and their cores' read-only views.
 * What a lost disk changes, and the DAMAGE rules that judge it, are in {@link DiskLosses}.
 */
final class Checker {
    private final World w;
    private final History h = new History();
    private final DiskLosses losses = new DiskLosses();

    Checker(World w) {
        this.w = w;
    }

    History history() {
        return h;
    }

    private static void fail(String invariant, String detail) {
        throw new InvariantViolation(invariant, detail);
    }

    /** A participant branch as the checker names it: the node and the storage it lives on (a lost disk starts a new one). */
    private static String branchKey(String node, long storageId, TxId tx) {
        return node + "@" + Long.toHexString(storageId) + "/" + tx;
    }

    private long storageOf(String participant) {
        return w.participants().get(participant).view().storageId();
    }

    // ---- hooks ----

    /** A message leaves a node (before the network decides its fate). */
    void onSend(Packet p) {
        if (p.response()) return;
        Object m = p.payload();
        if (m instanceof Message.Prepare pr) {
            h.participants.putIfAbsent(pr.txId(), new TreeSet<>(pr.participants()));
        } else if (m instanceof Message.CommitOnePhase c) {
            h.participants.putIfAbsent(c.txId(), new TreeSet<>(List.of(c.participantId())));
            h.onePhase.add(c.txId());
        } else if (m instanceof Message.Commit c) {
            told(c.txId(), TxState.COMMITTED, "commit message to " + c.participantId());
        } else if (m instanceof Message.Abort a) {
            told(a.txId(), TxState.ABORTED, "abort message to " + a.participantId());
        }
    }

    /** A node answers a request; {@code request} is what it answers. */
    void onAnswer(String node, Object request, Object answer) {
        if (node.equals(World.COORDINATOR)) {
            coordinatorAnswered(request, answer);
        } else {
            participantAnswered(node, request, answer);
        }
    }

    private void coordinatorAnswered(Object request, Object answer) {
        checkIssuedOnce(request, answer);
        TxId tx = txOf(request);
        if (answer instanceof Reply.Written written) {
            tx = written.txId();
            answer = written.outcome();
        }
        TxState state = null;
        List<String> damage = List.of();
        if (answer instanceof Reply.OutcomeReply o) {
            state = o.state();
            damage = o.damage();
        } else if (answer instanceof Reply.StatusReply s) {
            state = s.state();
            damage = s.damage();
        } else if (answer instanceof Reply.ErrorReply e && e.kind() == Reply.ErrorKind.NOT_ALLOWED) {
            state = e.state();
        }
        if (tx == null || state == null) return;
        if (!damage.isEmpty()) losses.onDamageReported(w.stats(), Map.of(tx, damage), "the coordinator's answer to " + request);
        if (state == TxState.ABORTED && h.committedEver.contains(tx) && !onePhaseDecisionLost(tx)
                && !abortFromAmnesiacRefusal(tx, "coordinator answered ABORTED for committed " + tx)) {
            fail("I5", "coordinator answered ABORTED for committed " + tx + " (" + answer + " to " + request + ")");
        }
        if (state == TxState.COMMITTED || state == TxState.ABORTED) told(tx, state, "answer " + answer);
    }

    /**
     * I8: a TxId handed to a client names one transaction, across every coordinator life, a lost
     * disk included. A write-only request's resends may be answered with its TxId again; nothing else may.
     */
    private void checkIssuedOnce(Object request, Object answer) {
        TxId tx = null;
        String owner = null;
        if (answer instanceof Reply.BeginOk ok) {
            tx = ok.txId();
            owner = "a begin";
        } else if (answer instanceof Reply.Written written && request instanceof ClientCall.CommitWrites cw) {
            tx = written.txId();
            owner = "write-only request " + cw.requestKey();
        }
        if (tx == null) return;
        String first = h.issued.putIfAbsent(tx, owner);
        if (first != null && (!first.equals(owner) || owner.equals("a begin"))) {
            fail("I8", tx + " was handed to a client twice: first for " + first + ", then for " + owner);
        }
    }

    private static TxId txOf(Object request) {
        if (request instanceof ClientCall.Commit c) return c.txId();
        if (request instanceof ClientCall.Abort a) return a.txId();
        if (request instanceof ClientCall.Status s) return s.txId();
        if (request instanceof dev.pledge.participant.protocol.Message.AskCoordinatorStatus a) return a.txId();
        if (request instanceof dev.pledge.participant.protocol.Message.Enlist e) return e.txId();
        return null;
    }

    private void participantAnswered(String node, Object request, Object answer) {
        if (request instanceof Message.Prepare pr && answer instanceof dev.pledge.participant.protocol.Reply.Voted v) {
            h.members.computeIfAbsent(pr.txId(), k -> new TreeSet<>()).addAll(pr.participants());
            h.votes.computeIfAbsent(pr.txId(), k -> new TreeMap<>()).merge(node, v.vote().name(),
                    (a, b) -> a.equals(b) ? a : a + "," + b);
            if (v.vote() == Vote.YES) {
                long storage = storageOf(node);
                ParticipantDiskState d = w.participants().get(node).disk().durable();
                boolean committed = d.outcome(pr.txId()) == dev.pledge.participant.protocol.Record.Final.COMMITTED;
                if (!h.preparedDurable.contains(branchKey(node, storage, pr.txId())) && !committed) {
                    fail("I4", node + " voted YES for " + pr.txId() + " before PREPARED was durable");
                }
                h.yes.add(branchKey(node, storage, pr.txId()));
                losses.onVotedYes(pr.txId(), node, storage);
            }
        }
        boolean decides = request instanceof Message.CommitOnePhase || request instanceof Message.AskBranch
                || request instanceof Message.AskVote
                || request instanceof dev.pledge.participant.protocol.Message.AskPeer;
        if (decides) {
            BranchState s = answer instanceof dev.pledge.participant.protocol.Reply.Acked a ? a.state()
                    : answer instanceof dev.pledge.participant.protocol.Reply.PeerAnswer p ? p.state() : null;
            TxId tx = request instanceof dev.pledge.participant.protocol.Message.AskPeer ap ? ap.txId()
                    : ((Message) request).txId();
            // A new storage answering for a transaction its lost one held tells no decision; what its
            // peers do with the answer is judged by the damage rules (DiskLosses).
            if (losses.amnesiac(node, tx)) return;
            if (s == BranchState.ABORTED && !(request instanceof Message.CommitOnePhase)
                    && !h.preparedDurable.contains(branchKey(node, storageOf(node), tx))
                    && w.participants().get(node).disk().durable().outcome(tx)
                    != dev.pledge.participant.protocol.Record.Final.ABORTED) {
                fail("I4", node + " refused " + tx + " (answered ABORTED to " + request
                        + ") before its refusal was durable: a crash could let it vote YES");
            }
            if (s == BranchState.COMMITTED) toldByParticipant(tx, TxState.COMMITTED, node + " answered " + request);
            if (s == BranchState.ABORTED) toldByParticipant(tx, TxState.ABORTED, node + " answered " + request);
        }
    }

    /**
     * A vote reached the coordinator; the first per participant is the one it decides on. A branch
     * born at prepare may vote twice (NO, then YES after a restart forgot the NO and a resent
     * prepare bore it again): fine as long as the coordinator never took the NO.
     */
    void onVoteDelivered(TxId tx, String pid, Vote vote) {
        h.votesTaken.computeIfAbsent(tx, k -> new TreeMap<>()).putIfAbsent(pid, vote.name());
        String sent = h.votes.getOrDefault(tx, new TreeMap<>()).getOrDefault(pid, "");
        if (sent.contains(",") && h.flippedVotes.add(pid + "/" + tx)) w.stats().voteFlips++;
    }

    /**
     * The abort {@code p} had of {@code tx} was an unvoted branch's that a crash forgot (it is not
     * durable) and nobody was told ABORTED, so a resent prepare or one-phase commit that bore the
     * branch again decided afresh. A NO vote is no decision told; an ABORTED answer is, and I2 guards it.
     */
    private boolean isRebornAfterForgottenNo(TxId tx, String p) {
        return h.told.get(tx) != TxState.ABORTED
                && w.participants().get(p).disk().durable().outcome(tx) != dev.pledge.participant.protocol.Record.Final.ABORTED;
    }

    /**
     * I2: the first decision anyone is told is the only one anyone is ever told. One exception: see
     * {@link #onePhaseDecisionLost}.
     */
    private void told(TxId tx, TxState state, String how) {
        TxState first = tell(tx, state, how);
        boolean decisionLost = first == TxState.COMMITTED && state == TxState.ABORTED && onePhaseDecisionLost(tx);
        boolean amnesiacRefusal = !decisionLost && first == TxState.COMMITTED && state == TxState.ABORTED
                && abortFromAmnesiacRefusal(tx, tx + " was told " + first + " and later " + state + " (" + how + ")");
        if (state == TxState.COMMITTED) h.coordinatorToldCommitted.add(tx);
        if (first != null && first != state && !decisionLost && !amnesiacRefusal) {
            fail("I2", tx + " was told " + first + " and later " + state + " (" + how + ")");
        }
    }

    /**
     * Implicit commit: a participant that lost the disk holding its yes vote refuses from its new,
     * empty one when asked, and a coordinator that never said COMMITTED aborts. The votes were the
     * decision, and that branch's writes are gone with the disk: excused here, judged as damage at the end.
     */
    private boolean abortFromAmnesiacRefusal(TxId tx, String detail) {
        return !h.coordinatorToldCommitted.contains(tx)
                && losses.excuse(w, tx, "I2", detail + ": a participant refused from a new disk", Set.of());
    }

    /**
     * A one-phase commit is decided by its only participant. If that participant's disk is lost
     * before its COMMITTED reaches the coordinator, nobody can ever learn that it committed, and its
     * writes are gone with the disk: the coordinator's later ABORTED matches what survives. Counted,
     * never failed, and owed no damage report (nothing that survives knows of it).
     */
    private boolean onePhaseDecisionLost(TxId tx) {
        if (!h.onePhase.contains(tx) || !losses.committedOnLostDisk(tx) || h.coordinatorToldCommitted.contains(tx)) {
            return false;
        }
        losses.decisionLost(w, tx);
        return true;
    }

    /**
     * I2 for a participant's answer: one misled by an amnesiac peer (a disk loss) may tell the
     * opposite of the decision; that is judged by the damage rules. A coordinator that changes its
     * answer is never excused: a damage report cannot make a changed decision right.
     */
    private void toldByParticipant(TxId tx, TxState state, String how) {
        TxState first = tell(tx, state, how);
        if (first != null && first != state
                && !losses.excuse(w, tx, "I2", tx + " was told " + first + " and later " + state + " (" + how + ")", Set.of())) {
            fail("I2", tx + " was told " + first + " and later " + state + " (" + how + ")");
        }
    }

    /** Notes that {@code state} was told; returns what was told first. */
    private TxState tell(TxId tx, TxState state, String how) {
        if (state == TxState.COMMITTED && !commitIsDurable(tx)) {
            fail("I2", tx + " told COMMITTED (" + how + ") before the commit was durable: a crash could take it back");
        }
        return h.told.putIfAbsent(tx, state);
    }

    /**
     * Implicit commit: a 2PC transaction is committed once every participant of P(T) has durably
     * voted yes (the coordinator's COMMIT is an unsynced hint); a one-phase commit is durable in
     * its participant's store (lost or not since).
     */
    private boolean commitIsDurable(TxId tx) {
        if (!h.onePhase.contains(tx) && everyVoteYesDurable(tx)) return true;
        if (losses.committedOnLostDisk(tx)) return true;
        for (ParticipantNode p : w.participants().values()) {
            if (p.disk().durable().outcome(tx) == dev.pledge.participant.protocol.Record.Final.COMMITTED) return true;
        }
        return w.coordinator().disk().durable().hasCommit(tx);
    }

    /** True when T is two-phase and every participant of P(T) has durably voted yes: T is committed. */
    private boolean everyVoteYesDurable(TxId tx) {
        TreeSet<String> members = h.members.get(tx);
        if (members == null || members.isEmpty()) return false;
        for (String p : members) {
            if (!h.durableYes.contains(p + "/" + tx)) return false;
        }
        return true;
    }

    private List<String> durableYesOf(TxId tx) {
        List<String> yes = new ArrayList<>();
        for (String p : h.members.getOrDefault(tx, new TreeSet<>())) if (h.durableYes.contains(p + "/" + tx)) yes.add(p);
        return yes;
    }

    /** The coordinator sent a prepare (or a one-phase commit) of {@code tx}: from now on only a refusal aborts it. */
    void onPrepareSent(TxId tx) {
        h.preparesSent.add(tx);
    }

    /** The coordinator's core emitted records (checked at the step, before they are written). */
    void onCoordinatorRecords(List<Record> records) {
        for (Record r : records) {
            if (r instanceof Record.OnePhase o) h.onePhase.add(o.txId());
            if (r instanceof Record.Abort a && h.preparesSent.contains(a.txId())
                    && !h.votesTaken.getOrDefault(a.txId(), new TreeMap<>()).containsValue("NO")) {
                fail("I3", "ABORT of " + a.txId() + " after its prepares went out, but no participant refused"
                        + " (votes taken " + h.votesTaken.get(a.txId()) + "): " + a.message());
            }
            if (!(r instanceof Record.Commit c) || h.onePhase.contains(c.txId())) continue;
            Map<String, String> taken = h.votesTaken.getOrDefault(c.txId(), new TreeMap<>());
            for (String p : c.participants()) {
                String v = taken.get(p);
                if (v == null || !(v.equals("YES") || v.equals("READ_ONLY"))) {
                    fail("I3", "COMMIT of " + c.txId() + " but the vote it took from " + p + " was " + v
                            + " (votes sent " + h.votes.get(c.txId()) + ")");
                }
            }
        }
    }

    /** Records reached a node's disk (written; synced if any needed it). */
    void onWritten(String node, List<Object> records, boolean synced) {
        for (Object r : records) {
            if (synced && r instanceof dev.pledge.participant.protocol.Record.Prepared p) {
                h.preparedDurable.add(branchKey(node, storageOf(node), p.txId()));
                h.durableYes.add(node + "/" + p.txId());
                h.members.computeIfAbsent(p.txId(), k -> new TreeSet<>()).addAll(p.participants());
            }
            if (synced && r instanceof dev.pledge.participant.protocol.Record.Concluded c
                    && c.state() == dev.pledge.participant.protocol.Record.Final.READ_ONLY) {
                h.durableYes.add(node + "/" + c.txId());
            }
            if (r instanceof dev.pledge.participant.protocol.Record.Applied a
                    && a.outcome() == dev.pledge.participant.protocol.Record.Final.COMMITTED
                    && h.members.containsKey(a.txId()) && !everyVoteYesDurable(a.txId())) {
                fail("I3", node + " applied the commit of " + a.txId() + " but not every participant of "
                        + h.members.get(a.txId()) + " had durably voted yes (durable: " + durableYesOf(a.txId()) + ")");
            }
            if (synced && r instanceof dev.pledge.participant.protocol.Record.Applied a) {
                h.durableYes.add(node + "/" + a.txId());
            }
            if (r instanceof Record.Commit c) h.committedEver.add(c.txId());
            if (r instanceof dev.pledge.participant.protocol.Record.Prepared p) {
                h.writers.computeIfAbsent(p.txId(), k -> new TreeSet<>()).add(node);
                losses.touch(p.txId(), node, storageOf(node));
            }
            if (r instanceof dev.pledge.participant.protocol.Record.Applied a) {
                losses.touch(a.txId(), node, storageOf(node));
                losses.onApplied(a.txId(), node);
                checkAppliedWrites(node, a);
                h.committedEver.add(a.txId());
                if (!a.writes().isEmpty()) {
                    h.writers.computeIfAbsent(a.txId(), k -> new TreeSet<>()).add(node);
                    h.applied.computeIfAbsent(a.txId(), k -> new TreeSet<>()).add(node);
                    h.dataChanged = true;
                }
            }
        }
    }

    /** The coordinator started {@code tx} for a client's write-only request and sent {@code pid} its writes. */
    void onWritesSent(String requestKey, TxId tx, String pid, List<dev.pledge.coordinator.protocol.Write> writes) {
        h.requestOf.put(tx, requestKey);
        TreeSet<TxId> txs = h.txsOfRequest.computeIfAbsent(requestKey, k -> new TreeSet<>());
        txs.add(tx);
        if (txs.size() > 1) h.rerunRequests.add(requestKey);
        h.sentWrites.computeIfAbsent(tx, k -> new TreeMap<>()).put(pid, sorted(writes));
        long delta = 0;
        for (dev.pledge.coordinator.protocol.Write wr : writes) {
            Long expected = wr.value() == null ? null : Writes.expected(wr.value());
            if (expected != null) delta += Writes.balance(wr.value()) - expected;
        }
        losses.onPlanned(tx, pid, delta);
    }

    /** A client planned the operations of interactive transaction {@code tx}: what each branch will change if it commits. */
    void onPlanned(TxId tx, List<ClientCall.Op> ops) {
        TreeMap<String, Long> deltas = new TreeMap<>();
        for (ClientCall.Op op : ops) if (!op.read()) deltas.merge(w.bank().participantOf(op.key()), op.delta(), Long::sum);
        deltas.forEach((p, d) -> losses.onPlanned(tx, p, d));
    }

    /** {@code n} is about to lose its disk: what it held is noted before it is gone. */
    void onDiskLost(SimNode n) {
        h.dataChanged = true;
        if (n instanceof ParticipantNode p) {
            losses.onParticipantDiskLost(p.id, p.view().storageId(), p.disk().durable(), p.disk().current().sum());
        } else {
            losses.onCoordinatorDiskLost();
        }
    }

    /** The coordinator started epoch {@code epoch} (its records will be on its current disk). */
    void onCoordinatorEpoch(long epoch) {
        losses.onCoordinatorEpoch(epoch);
    }

    /** The coordinator reports these committed transactions damaged (a participant lost their writes). */
    void onDamageReported(Map<TxId, List<String>> damaged, String how) {
        losses.onDamageReported(w.stats(), damaged, how);
    }

    private static List<String> sorted(List<?> writes) {
        List<String> out = new ArrayList<>(List.of(Writes.text(writes).split(", ")));
        out.sort(null);
        return out;
    }

    /** A participant applied a write-only transaction: exactly the writes its client sent there. */
    private void checkAppliedWrites(String node, dev.pledge.participant.protocol.Record.Applied a) {
        TreeMap<String, List<String>> sent = h.sentWrites.get(a.txId());
        if (sent == null) return;
        List<String> applied = sorted(a.writes());
        if (!applied.equals(sent.get(node))) {
            fail("APP", node + " applied " + applied + " for " + a.txId() + " (request " + h.requestOf.get(a.txId())
                    + ") but its client sent " + sent.get(node));
        }
    }

    /** Write-only outcomes: what the client that sent {@code requestKey} was finally told ({@code tx} may be null). */
    void onWriteOutcome(String client, String requestKey, TxId tx, String outcome) {
        h.writeOutcomes.put(requestKey, outcome);
        if (tx != null) h.writeAnswered.put(requestKey, tx);
        w.stats().writeOnly++;
        switch (outcome) {
            case "COMMITTED" -> w.stats().committed++;
            case "ABORTED" -> w.stats().aborted++;
            case "IN_DOUBT", "GAVE_UP" -> w.stats().inDoubt++;
            default -> { }
        }
        if (outcome.equals("COMMITTED") && !h.txsOfRequest.getOrDefault(requestKey, new TreeSet<>()).contains(tx)) {
            fail("APP", client + " was told " + tx + " COMMITTED for request " + requestKey + ", which never started it");
        }
        if (outcome.equals("ABORTED")) checkNotCommitted(client, requestKey, tx);
    }

    /** I5 for a write-only request: ABORTED is false if any transaction it started committed. */
    private void checkNotCommitted(String client, String requestKey, TxId answered) {
        for (TxId t : h.txsOfRequest.getOrDefault(requestKey, new TreeSet<>())) {
            if (committedDurably(t) && !(t.equals(answered) && onePhaseDecisionLost(t))) {
                fail("I5", client + " was told request " + requestKey + " ABORTED (" + answered + ") but its writes committed as " + t
                        + (t.equals(answered) ? "" : ": a retry ran as a new transaction"));
            }
        }
    }

    private boolean committedDurably(TxId tx) {
        if (losses.committedOnLostDisk(tx)) return true;
        for (ParticipantNode p : w.participants().values()) {
            if (p.disk().durable().outcome(tx) == dev.pledge.participant.protocol.Record.Final.COMMITTED) return true;
        }
        return w.coordinator().disk().durable().hasCommit(tx);
    }

    /** I7 for write-only requests: however often a client resends one, at most one transaction of it commits. */
    private void checkAppliedOnce() {
        for (String key : h.rerunRequests) {
            List<TxId> committed = new ArrayList<>();
            for (TxId t : h.txsOfRequest.get(key)) if (committedDurably(t)) committed.add(t);
            if (committed.size() > 1) fail("I7", "request " + key + " applied twice: committed as " + committed);
        }
    }

    /** I7: the handler of (tx, opSeq) wrote at most once per branch. */
    void onOpApplied(String node, long incarnation, ClientCall.Op op) {
        String key = node + "#" + incarnation + "/" + op.txId() + "/" + op.opSeq();
        if (!h.opsApplied.add(key)) fail("I7", "operation " + op + " applied twice at " + node + " incarnation " + incarnation);
    }

    void onClientOutcome(String client, TxId tx, String outcome, Long auditSum) {
        h.clientOutcomes.put(tx, outcome);
        switch (outcome) {
            case "COMMITTED" -> w.stats().committed++;
            case "ABORTED" -> w.stats().aborted++;
            case "IN_DOUBT" -> w.stats().inDoubt++;
            default -> { }
        }
        if (auditSum == null || !outcome.equals("COMMITTED")) return;
        if (losses.anyParticipantDiskLost()) {
            // The total an audit must read moves with lost disks and branches at instants its snapshot
            // cannot be placed against; the bank sum checked after every step covers the same ground.
            w.stats().auditsUnchecked++;
        } else if (auditSum != w.bank().total()) {
            fail("APP", "audit " + tx + " by " + client + " read a total of " + auditSum + ", expected " + w.bank().total());
        }
    }

    // ---- after every step ----

    void afterStep() {
        for (Map.Entry<TxId, TreeSet<String>> e : h.participants.entrySet()) checkBranches(e.getKey(), e.getValue());
        checkAppliedOnce();
        if (h.dataChanged && noPartialCommit()) {
            h.dataChanged = false;
            long sum = committedSum();
            long expected = expectedSum();
            if (sum != expected) fail("APP", "committed balances sum to " + sum + ", expected " + expected + lossNote());
        }
    }

    /** The bank's total, less what lost disks took (see DiskLosses.expectedSum). */
    private long expectedSum() {
        return losses.expectedSum(w.bank().total(), h.applied);
    }

    private String lossNote() {
        boolean lost = losses.anyParticipantDiskLost() || losses.anyCoordinatorDiskLost();
        return lost ? " (after disk losses: " + losses.describe() + ")" : "";
    }

    private void checkBranches(TxId tx, Set<String> members) {
        for (String p : members) {
            ParticipantNode node = w.participants().get(p);
            // A commit counts once durable: an in-memory commit lost in a crash was never applied or told.
            if (node.disk().durable().outcome(tx) == dev.pledge.participant.protocol.Record.Final.COMMITTED) {
                h.sawCommitted.computeIfAbsent(tx, k -> new TreeSet<>()).add(p);
            }
            if (!node.up) continue;
            // A new storage refusing a transaction its lost one held: judged by the damage rules (DiskLosses).
            if (node.view().branchState(tx) == BranchState.ABORTED && !losses.amnesiac(p, tx)) {
                h.sawAborted.computeIfAbsent(tx, k -> new TreeSet<>()).add(p);
                if (h.told.get(tx) != TxState.ABORTED && h.yes.contains(branchKey(p, node.view().storageId(), tx))
                        && !losses.excuse(w, tx, "I4", p + " voted YES and then aborted with no ABORT decision told", Set.of(p))) {
                    fail("I4", p + " voted YES for " + tx + " and then aborted with no ABORT decision told");
                }
            }
        }
        Set<String> c = h.sawCommitted.get(tx);
        Set<String> a = h.sawAborted.get(tx);
        if (c != null && a != null && !a.stream().allMatch(p -> isRebornAfterForgottenNo(tx, p))
                && !losses.excuse(w, tx, "I1", "committed at " + c + " and aborted at " + a, a)) {
            fail("I1", tx + " committed at " + c + " and aborted at " + a);
        }
    }

    /** Every transaction applied somewhere is applied at each of its writers, but for branches that never will (DiskLosses). */
    private boolean noPartialCommit() {
        for (Map.Entry<TxId, TreeSet<String>> e : h.applied.entrySet()) {
            for (String writer : h.writers.getOrDefault(e.getKey(), new TreeSet<>())) {
                if (!e.getValue().contains(writer) && !losses.isUnappliedBranch(e.getKey(), writer)) return false;
            }
        }
        return true;
    }

    long committedSum() {
        long sum = 0;
        for (ParticipantNode p : w.participants().values()) sum += p.disk().current().sum();
        return sum;
    }

    // ---- at quiescence ----

    /**
     * I6 and the final application checks, once everything is healed and quiet. Nothing is excused:
     * with implicit commit a branch whose coordinator lost its records (or is gone for good) is
     * settled by its peers, so wave 1's excuse for branches blocked by a coordinator's lost disk is gone.
     */
    List<String> livenessProblems() {
        List<String> problems = new ArrayList<>();
        for (ParticipantNode p : w.participants().values()) {
            var v = p.view();
            if (v.liveBranches() != 0) problems.add(p.id + " still has " + v.liveBranches() + " live branches");
            if (!v.lockedKeys().isEmpty()) problems.add(p.id + " still holds locks on " + v.lockedKeys());
            if (!v.inDoubt().isEmpty()) problems.add(p.id + " still has branches in doubt: " + v.inDoubt());
        }
        var core = w.coordinatorCore();
        if (core != null && !core.pendingDelivery().isEmpty()) {
            problems.add("coordinator still owes deliveries for " + core.pendingDelivery());
        }
        return problems;
    }

    void checkFinal() {
        List<String> problems = livenessProblems();
        if (!problems.isEmpty()) fail("I6", String.join("; ", problems));
        long sum = committedSum();
        long expected = expectedSum();
        if (sum != expected) fail("APP", "final balances sum to " + sum + ", expected " + expected + lossNote());
        for (Map.Entry<TxId, String> e : h.clientOutcomes.entrySet()) {
            TxId tx = e.getKey();
            Set<String> writers = h.writers.getOrDefault(tx, new TreeSet<>());
            Set<String> applied = h.applied.getOrDefault(tx, new TreeSet<>());
            List<String> missing = writers.stream().filter(p -> !applied.contains(p) && !losses.isUnappliedBranch(tx, p)).toList();
            if (e.getValue().equals("COMMITTED") && !missing.isEmpty()
                    && !losses.excuse(w, tx, "I1", "client saw it COMMITTED but " + missing + " never applied it", Set.of())) {
                fail("I1", "client saw " + tx + " COMMITTED but only " + applied + " of writers " + writers + " applied");
            }
            // A one-phase commit applied only on a disk since lost, which nobody heard of: see onePhaseDecisionLost.
            if (e.getValue().equals("ABORTED") && !applied.isEmpty() && !losses.isDecisionLost(tx)) {
                fail("I2", "client saw " + tx + " ABORTED but " + applied + " applied it");
            }
        }
        checkWriteOutcomes();
        // A coordinator gone for good (the liveness phase of some seeds) can no longer report anything.
        losses.checkReported(w.stats(), h.committedEver::contains, tx -> w.coordinator().up && w.coordinator().disk().durable().hasCommit(tx));
    }

    /** A write-only request answered COMMITTED is durable at every participant it wrote to; ABORTED committed nowhere. */
    private void checkWriteOutcomes() {
        for (Map.Entry<String, String> e : h.writeOutcomes.entrySet()) {
            TxId tx = h.writeAnswered.get(e.getKey());
            if (e.getValue().equals("ABORTED")) checkNotCommitted("the client", e.getKey(), tx);
            if (!e.getValue().equals("COMMITTED")) continue;
            for (String p : h.sentWrites.get(tx).keySet()) {
                ParticipantDiskState disk = w.participants().get(p).disk().durable();
                if (disk.outcome(tx) == dev.pledge.participant.protocol.Record.Final.COMMITTED) continue;
                // Applied, then its outcome swept after retention: the writes stay, the record goes.
                if (h.applied.containsKey(tx) && h.applied.get(tx).contains(p) && disk.swept(tx)) continue;
                // Applied and lost with its disk, never applied (the damage rules judge that), or blocked by design.
                if (losses.isUnappliedBranch(tx, p) || losses.amnesiac(p, tx)) continue;
                if (!losses.excuse(w, tx, "I1", "answered COMMITTED but " + p + " has not durably applied its writes", Set.of())) {
                    fail("I1", "request " + e.getKey() + " was answered COMMITTED (" + tx + ") but " + p + " has not durably applied its writes");
                }
            }
        }
    }

    String describe() {
        return h.describe() + " " + losses.describe();
    }

    /** What the checker has learned so far; monotone, so it is part of a state's identity. */
    static final class History {
        final TreeMap<TxId, TreeSet<String>> participants = new TreeMap<>();
        final TreeSet<TxId> onePhase = new TreeSet<>();
        final TreeMap<TxId, TxState> told = new TreeMap<>();
        /** Transactions the coordinator itself has told COMMITTED (a message or an answer). */
        final Set<TxId> coordinatorToldCommitted = new TreeSet<>();
        final TreeMap<TxId, TreeMap<String, String>> votes = new TreeMap<>();
        /** The first vote of each participant that reached the coordinator. */
        final TreeMap<TxId, TreeMap<String, String>> votesTaken = new TreeMap<>();
        final TreeSet<String> flippedVotes = new TreeSet<>();
        /** Branch keys ("node@storage/tx") that voted YES. */
        final TreeSet<String> yes = new TreeSet<>();
        /** Branch keys ("node@storage/tx") whose PREPARED reached the disk in a synced write. */
        final TreeSet<String> preparedDurable = new TreeSet<>();
        final TreeSet<TxId> committedEver = new TreeSet<>();
        /** Transactions the coordinator sent a prepare or one-phase commit for. */
        final TreeSet<TxId> preparesSent = new TreeSet<>();
        /** P(T) of each two-phase transaction, from its participants' PREPARED records. */
        final TreeMap<TxId, TreeSet<String>> members = new TreeMap<>();
        /** "node/tx" for each durable yes vote: PREPARED or a READ_ONLY outcome synced, or a synced apply. */
        final TreeSet<String> durableYes = new TreeSet<>();
        final TreeMap<TxId, TreeSet<String>> writers = new TreeMap<>();
        final TreeMap<TxId, TreeSet<String>> applied = new TreeMap<>();
        final TreeMap<TxId, TreeSet<String>> sawCommitted = new TreeMap<>();
        final TreeMap<TxId, TreeSet<String>> sawAborted = new TreeMap<>();
        final TreeSet<String> opsApplied = new TreeSet<>();
        final TreeMap<TxId, String> clientOutcomes = new TreeMap<>();
        /** Write-only requests: the transactions each started, by request key, and back. */
        final TreeMap<String, TreeSet<TxId>> txsOfRequest = new TreeMap<>();
        final TreeMap<TxId, String> requestOf = new TreeMap<>();
        /** Request keys that started more than one transaction (a retry after the coordinator lost the first). */
        final TreeSet<String> rerunRequests = new TreeSet<>();
        /** The writes each participant was sent, as sorted "key=value" text. */
        final TreeMap<TxId, TreeMap<String, List<String>>> sentWrites = new TreeMap<>();
        /** What each write-only client was finally told, and the transaction the answer named. */
        final TreeMap<String, String> writeOutcomes = new TreeMap<>();
        final TreeMap<String, TxId> writeAnswered = new TreeMap<>();
        /** I8: every TxId handed to a client, and what for (a begin, or a write-only request's key). */
        final TreeMap<TxId, String> issued = new TreeMap<>();
        boolean dataChanged;

        String describe() {
            return "told=" + told + " votes=" + votes + " committed=" + committedEver + " applied=" + applied
                    + " sawC=" + sawCommitted + " sawA=" + sawAborted + " ops=" + opsApplied.size()
                    + " client=" + clientOutcomes + " requests=" + txsOfRequest + " writeOutcomes=" + writeOutcomes;
        }
    }
}
