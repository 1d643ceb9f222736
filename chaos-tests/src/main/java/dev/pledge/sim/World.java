package dev.pledge.sim;

import dev.pledge.coordinator.protocol.CoordinatorCore;
import dev.pledge.core.TxId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated world: a coordinator, 2–3 participants and clients on a simulated network, disk
 * and clock, all driven by one seed. Drivers choose which pending {@link Item} happens next; the
 * world runs it and the {@link Checker} checks every invariant after it.
 */
final class World {
    static final String COORDINATOR = "coord-1";
    static final long ACCOUNT_START = 100;
    static final int ACCOUNTS_PER_PARTICIPANT = 3;

    /** The accounts spread over the participants, and who owns each. */
    record Bank(List<String> accounts) {
        String participantOf(String account) {
            return account.substring(0, account.indexOf(':'));
        }

        long total() {
            return ACCOUNT_START * accounts.size();
        }
    }

    private final SimConfig config;
    private final SplittableRandom random;
    private final Trace trace;
    private final Stats stats = new Stats();
    private final Network network = new Network();
    private final CoordinatorNode coordinator;
    private final Map<String, ParticipantNode> participants = new LinkedHashMap<>();
    private final Map<String, SimClient> clients = new LinkedHashMap<>();
    private final Bank bank;
    private final Checker checker;
    private final Agenda agenda = new Agenda();
    private long nowMs;
    private boolean faultsOn = true;
    private boolean clientsMayStart = true;
    private int crashes;
    /** Disk-loss decisions draw from a stream of their own, so a seed's other faults stay where they were. */
    private final SplittableRandom diskLossRandom;
    private int diskLosses;

    World(SimConfig config, int traceLines) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.diskLossRandom = new SplittableRandom(config.seed() ^ 0x85EBCA6BL);
        this.trace = new Trace(Math.max(1, traceLines));
        trace.enabled(traceLines > 0);
        List<String> pids = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        for (int i = 1; i <= config.participantCount(); i++) {
            String pid = "p" + i;
            pids.add(pid);
            for (int a = 0; a < ACCOUNTS_PER_PARTICIPANT; a++) accounts.add(pid + ":a" + a);
        }
        this.bank = new Bank(List.copyOf(accounts));
        java.util.Set<dev.pledge.runtime.Defect> defects = Mutation.defectsOf(config.mutations());
        this.coordinator = new CoordinatorNode(SimSettings.coordinatorConfig(COORDINATOR, Set.copyOf(pids),
                SimSettings.retentionMs(config)), defects);
        for (String pid : pids) {
            ParticipantNode p = new ParticipantNode(pid, COORDINATOR, SimSettings.participantConfig(pid, config.inDoubtPollMaxMs(),
                    config.participantRetentionMs()),
                    defects);
            List<dev.pledge.runtime.KvOp> seed = new ArrayList<>();
            for (String account : accounts) {
                if (bank.participantOf(account).equals(pid)) seed.add(ParticipantDiskState.seed(account, ACCOUNT_START));
            }
            p.disk().seed(seed);
            participants.put(pid, p);
        }
        this.checker = new Checker(this);
        for (int c = 1; c <= config.clientCount(); c++) {
            String cid = "c" + c;
            clients.put(cid, new SimClient(cid, random.nextLong(), config.txsPerClient(), bank,
                    config.zeroDelays() ? c : 0, config.writeOnlyPercent()));
        }
    }

    /** Boots every node from its (empty) disk and lets the clients start. */
    void start() {
        coordinator.boot(this);
        participants.values().forEach(p -> p.boot(this));
        clients.values().forEach(c -> c.sleep(this, 1 + random.nextInt(5)));
    }

    // ---- what nodes and clients use ----

    SimConfig config() {
        return config;
    }

    long nowMs() {
        return nowMs;
    }

    Checker checker() {
        return checker;
    }

    Stats stats() {
        return stats;
    }

    Bank bank() {
        return bank;
    }

    String coordinatorId() {
        return COORDINATOR;
    }

    boolean clientsMayStart() {
        return clientsMayStart;
    }

    long rpcAttemptTimeoutMs() {
        return SimSettings.RPC_ATTEMPT_TIMEOUT_MS;
    }

    int rpcAttemptsMax(String node) {
        return node.equals(COORDINATOR) ? config.coordinatorRpcAttempts() : SimSettings.RPC_ATTEMPTS_MAX;
    }

    long coreSeed(String node, long life) {
        return config.seed() * 0x9E3779B97F4A7C15L + node.hashCode() * 31L + life;
    }

    /** Whether trace lines are kept; callers skip building costly lines when not. */
    boolean tracing() {
        return trace.enabled();
    }

    void trace(String line) {
        trace.add(nowMs, line);
    }

    Trace traceLog() {
        return trace;
    }

    void schedule(Item item) {
        agenda.add(item);
    }

    void scheduleFlush(SimNode n) {
        if (n.flushScheduled) return;
        n.flushScheduled = true;
        schedule(new Item.Flush(nowMs + (config.zeroDelays() ? 0 : random.nextInt(3)), n.id, n.life));
    }

    /**
     * Write-only requests in flight, with the coordinator incarnation they were sent to. They go
     * over TCP: a copy can neither outlive the connection nor reach the next incarnation, and
     * the request-key contract relies on that (an ABORTED attempt's key is not kept across a
     * restart). Other requests keep the harsher network, which may deliver them to any incarnation.
     */
    private final Map<Packet, Long> writeRequestsInFlight = new HashMap<>();

    /** Sends a packet: the network may lose, duplicate or delay it while faults are on. */
    void send(Packet p) {
        checker.onSend(p);
        if (!p.response() && p.payload() instanceof ClientCall.CommitWrites) {
            writeRequestsInFlight.put(p, coordinator.up ? coordinator.life : -1);
        }
        if (config.zeroDelays()) {
            schedule(new Item.Delivery(nowMs, p));
            return;
        }
        if (faultsOn && random.nextInt(1000) < config.dropPerMille()) {
            stats.drops++;
            trace("DROP " + p.describe());
            return;
        }
        long delayMs = 1 + random.nextInt(config.delayMaxMs());
        if (faultsOn && random.nextInt(1000) < config.slowPerMille()) {
            stats.slowed++;
            delayMs = 100 + random.nextInt(900);
        }
        schedule(new Item.Delivery(nowMs + delayMs, p));
        if (faultsOn && random.nextInt(1000) < config.duplicatePerMille()) {
            stats.duplicates++;
            schedule(new Item.Delivery(nowMs + 1 + random.nextInt(2 * config.delayMaxMs()), p));
        }
    }

    /** A client asks the coordinator about an old transaction later, past retention (presumed abort is asked). */
    void askStatusLater(String client, TxId tx) {
        schedule(new Item.ClientWake(nowMs + SimSettings.retentionMs(config) + 2 * SimSettings.SWEEP_MS,
                client, -tx.sequence()));
        lateStatus.put(client + "/" + tx.sequence(), tx);
    }

    private final Map<String, TxId> lateStatus = new LinkedHashMap<>();

    // ---- running items ----

    /** The earliest pending item (ties in scheduling order), or null. */
    Item next() {
        return agenda.earliest();
    }

    /** Pending items in a canonical order (for the explorer: indexes must not depend on history). */
    List<Item> pending() {
        return agenda.canonical();
    }

    /** False for an item whose run would change nothing but the clock (stale timer, finished call). */
    boolean isLive(Item item) {
        if (item instanceof Item.TimerFire t) return node(t.node()).up && node(t.node()).life == t.life();
        if (item instanceof Item.Flush f) {
            SimNode n = node(f.node());
            return n.up && n.life == f.life() && n.writing();
        }
        if (item instanceof Item.CallTimeout t) {
            boolean server = participants.containsKey(t.node()) || t.node().equals(COORDINATOR);
            if (server && (!node(t.node()).up || node(t.node()).life != t.life())) return false;
            return rpcOf(t.node()).isPending(t.callId(), t.attempt());
        }
        if (item instanceof Item.ClientWake c) {
            return c.wakeId() >= 0 ? clients.get(c.client()).awaits(c.wakeId())
                    : lateStatus.containsKey(c.client() + "/" + (-c.wakeId()));
        }
        if (item instanceof Item.Restart r) return !node(r.node()).up;
        return true;
    }

    /** Explorer: the network loses this packet. */
    void drop(Item.Delivery d) {
        agenda.remove(d);
        stats.drops++;
        trace("DROP " + d.packet().describe());
        checker.afterStep();
    }

    /** Explorer: the network delivers this packet twice. */
    void duplicate(Item.Delivery d) {
        stats.duplicates++;
        schedule(new Item.Delivery(d.dueMs(), d.packet()));
        trace("DUPLICATE " + d.packet().describe());
        checker.afterStep();
    }

    /** Runs one pending item, then checks every safety invariant. */
    void run(Item item) {
        agenda.remove(item);
        nowMs = Math.max(nowMs, item.dueMs());
        stats.steps++;
        dispatch(item);
        checker.afterStep();
    }

    private void dispatch(Item item) {
        if (item instanceof Item.Delivery d) {
            deliver(d.packet());
        } else if (item instanceof Item.Flush f) {
            SimNode n = node(f.node());
            if (n.up && n.life == f.life()) n.flush(this);
        } else if (item instanceof Item.TimerFire t) {
            SimNode n = node(t.node());
            if (n.up && n.life == t.life()) n.onTimer(this, t.timer());
        } else if (item instanceof Item.CallTimeout t) {
            Rpc rpc = rpcOf(t.node());
            SimNode n = participants.containsKey(t.node()) || t.node().equals(COORDINATOR) ? node(t.node()) : null;
            if (n == null || n.up && n.life == t.life()) rpc.onTimeout(this, t);
        } else if (item instanceof Item.ClientWake c) {
            wakeClient(c);
        } else if (item instanceof Item.Restart r) {
            SimNode n = node(r.node());
            if (!n.up) n.restart(this);
        }
    }

    private void wakeClient(Item.ClientWake c) {
        SimClient client = clients.get(c.client());
        if (c.wakeId() >= 0) {
            client.wake(this, c.wakeId());
            return;
        }
        TxId tx = lateStatus.remove(c.client() + "/" + (-c.wakeId()));
        if (tx != null) client.rpc().call(this, COORDINATOR, new ClientCall.Status(tx), a -> { }, () -> { });
    }

    private void deliver(Packet p) {
        if (!network.passes(p.from(), p.to())) {
            stats.drops++;
            trace("PARTITIONED " + p.describe());
            return;
        }
        SimClient client = clients.get(p.to());
        if (client != null) {
            client.rpc().onResponse(p.callId(), p.payload());
            return;
        }
        SimNode n = node(p.to());
        if (!n.up) return;
        Long sentToLife = writeRequestsInFlight.get(p);
        if (sentToLife != null && sentToLife != n.life) {
            stats.drops++;
            trace("RESET " + p.describe() + " (its connection was to an earlier incarnation)");
            return;
        }
        if (p.response()) n.rpc.onResponse(p.callId(), p.payload());
        else n.onRequest(this, p);
    }

    private Rpc rpcOf(String id) {
        SimClient c = clients.get(id);
        return c != null ? c.rpc() : node(id).rpc;
    }

    SimNode node(String id) {
        if (id.equals(COORDINATOR)) return coordinator;
        SimNode p = participants.get(id);
        if (p == null) throw new IllegalArgumentException("no node " + id);
        return p;
    }

    List<SimNode> servers() {
        List<SimNode> all = new ArrayList<>();
        all.add(coordinator);
        all.addAll(participants.values());
        return all;
    }

    CoordinatorNode coordinator() {
        return coordinator;
    }

    Map<String, ParticipantNode> participants() {
        return participants;
    }

    Map<String, SimClient> clients() {
        return clients;
    }

    // ---- faults ----

    SplittableRandom random() {
        return random;
    }

    boolean faultsOn() {
        return faultsOn;
    }

    int crashes() {
        return crashes;
    }

    void crash(SimNode n, int unsyncedKept) {
        crashes++;
        stats.crashes++;
        n.crash(this, unsyncedKept);
    }

    SplittableRandom diskLossRandom() {
        return diskLossRandom;
    }

    int diskLosses() {
        return diskLosses;
    }

    /** The node crashes and will restart on an empty data directory; the checker first notes what the disk held. */
    void loseDisk(SimNode n) {
        diskLosses++;
        stats.diskLosses++;
        checker.onDiskLost(n);
        n.loseDisk(this);
    }

    /**
     * The machine holding the leading replica of participant {@code n}'s shard is lost for good with
     * its disk. The model of a replicated shard (issue 17): a record the participant synced is
     * committed in its Raft group, so it is on a majority of replicas and survives the loss of any
     * one; records written but not yet synced may or may not have reached a majority, so a prefix of
     * them survives. Another replica takes over with the surviving records and rebuilds the core
     * from them, exactly as a restart does, with a new incarnation (the Raft term). So to the rest of
     * the system the loss is a crash: nothing the participant promised is forgotten, no storage
     * identity is lost, and the checker holds every invariant without the disk-loss excuses. That
     * Ratis keeps the assumption is for the process and container tests to show, not this model.
     */
    void loseReplica(ParticipantNode n, int unsyncedKept) {
        diskLosses++;
        stats.replicaLosses++;
        trace(n.id + " REPLICA LOST with its disk: the shard's other replicas take over with every synced record");
        n.crash(this, unsyncedKept);
    }

    Network network() {
        return network;
    }

    void partition(String from, String to, boolean twoWay) {
        stats.partitions++;
        network.block(from, to);
        if (twoWay) network.block(to, from);
        trace("PARTITION " + from + (twoWay ? " <-> " : " -> ") + to);
    }

    void heal() {
        if (!network.isPartitioned()) return;
        stats.partitions++;
        network.heal();
        trace("HEAL");
    }

    /** Liveness phase: heal, stop faults and new transactions, restart whatever is down. */
    void calm() {
        faultsOn = false;
        clientsMayStart = false;
        network.heal();
        for (SimNode n : servers()) {
            if (!n.up) n.restart(this);
        }
        trace("LIVENESS PHASE: healed, faults off, no new transactions");
    }

    boolean isQuiet() {
        if (!agenda.isQuiet()) return false;
        for (SimClient c : clients.values()) {
            if (c.isBusy()) return false;
        }
        return true;
    }

    /** Canonical text of everything that can influence what happens next, for state hashing. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("now=").append(nowMs).append('\n');
        for (SimNode n : servers()) sb.append(n.describe()).append('\n');
        for (SimClient c : clients.values()) sb.append(c.describe()).append('\n');
        sb.append(agenda.describe()).append('\n').append(network.describe()).append('\n');
        sb.append(checker.describe());
        return sb.toString();
    }

    CoordinatorCore coordinatorCore() {
        return coordinator.up ? coordinator.core() : null;
    }
}
