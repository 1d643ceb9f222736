package dev.pledge.xa;

import static dev.pledge.it.KvProbe.bytes;
import static dev.pledge.it.KvProbe.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pledge.client.PledgeClient;
import dev.pledge.it.InJvmCluster;
import dev.pledge.participant.app.PrepareValidator;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import dev.pledge.rpc.RpcClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pledge participants as XA resources of a real JTA transaction manager (Narayana), as a user
 * would run them: real participant nodes over real Thrift and RocksDB in this JVM. What the
 * transaction wrote is read back through ordinary Pledge transactions, as any later client sees it.
 */
class PledgeXAResourceTest {
    @TempDir
    static Path narayanaStore;
    private static TransactionManager tm;

    @TempDir
    Path root;
    private InJvmCluster cluster;
    private PledgeClient reader;
    private PledgeXAResource a;
    private PledgeXAResource b;

    @BeforeAll
    static void startTransactionManager() throws Exception {
        tm = NarayanaTm.start(narayanaStore);
    }

    @BeforeEach
    void startParticipants() throws Exception {
        cluster = new InJvmCluster(root, List.of("A", "B"), c -> c).startAll();
        reader = PledgeClient.builder().coordinator(cluster.coordinator()).build();
        a = new PledgeXAResource("A", cluster.participant("A"));
        b = new PledgeXAResource("B", cluster.participant("B"));
    }

    @AfterEach
    void stop() throws Exception {
        if (tm.getTransaction() != null) tm.rollback();
        a.close();
        b.close();
        reader.close();
        cluster.close();
    }

    /** One JTA transaction that puts {@code key = value} at both participants, then commits. */
    private void putAtBothAndCommit(String key, String value) throws Exception {
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(a);
        a.put(bytes(key), bytes(value));
        tx.enlistResource(b);
        b.put(bytes(key), bytes(value));
        tm.commit();
    }

    private byte[] readAt(String participant, String key) throws Exception {
        return read(reader, cluster.participant(participant), bytes(key));
    }

    private static Xid xid(String gtrid) {
        return new XaIds.BranchXid(4242, bytes(gtrid), bytes("branch"));
    }

    /** Phase one as a transaction manager runs it, then the manager is gone. */
    private void prepareAndForget(PledgeXAResource resource, Xid xid, String key, String value) throws XAException {
        resource.start(xid, XAResource.TMNOFLAGS);
        resource.put(bytes(key), bytes(value));
        resource.end(xid, XAResource.TMSUCCESS);
        assertThat(resource.prepare(xid)).isEqualTo(XAResource.XA_OK);
    }

    private static List<Xid> recoverAll(PledgeXAResource resource) throws XAException {
        return Arrays.asList(resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN));
    }

    @Test
    void commitAcrossTwoParticipantsIsVisibleAtBoth() throws Exception {
        putAtBothAndCommit("k", "v1");

        assertThat(readAt("A", "k")).isEqualTo(bytes("v1"));
        assertThat(readAt("B", "k")).isEqualTo(bytes("v1"));
    }

    @Test
    void onlyParticipantCommitsInOnePhase() throws Exception {
        tm.begin();
        tm.getTransaction().enlistResource(a);
        a.put(bytes("solo"), bytes("v"));
        tm.commit();

        assertThat(readAt("A", "solo")).isEqualTo(bytes("v"));
    }

    @Test
    void rollbackLeavesNothingVisible() throws Exception {
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(a);
        a.put(bytes("k"), bytes("never"));
        tx.enlistResource(b);
        b.put(bytes("k"), bytes("never"));
        tm.rollback();

        assertThat(readAt("A", "k")).isNull();
        assertThat(readAt("B", "k")).isNull();
    }

    @Test
    void validatorVotingNoAtOneParticipantRollsBackBoth() throws Exception {
        cluster.startParticipant("B", (txId, writes, committed) -> PrepareValidator.Result.no("course full"));

        assertThatThrownBy(() -> putAtBothAndCommit("k", "v1")).isInstanceOf(RollbackException.class);

        assertThat(readAt("A", "k")).isNull();
        assertThat(readAt("B", "k")).isNull();
    }

    @Test
    void noVoteReachesTheManagerAsIntegrityRollbackWithTheParticipantsWords() throws Exception {
        cluster.startParticipant("B", (txId, writes, committed) -> PrepareValidator.Result.no("course full"));
        Xid xid = xid("vote-no");
        b.start(xid, XAResource.TMNOFLAGS);
        b.put(bytes("k"), bytes("v"));
        b.end(xid, XAResource.TMSUCCESS);

        assertThatThrownBy(() -> b.prepare(xid)).isInstanceOfSatisfying(XAException.class,
                e -> assertThat(e.errorCode).isEqualTo(XAException.XA_RBINTEGRITY))
                .hasMessageContaining("B voted NO").hasMessageContaining("course full");
        assertThat(recoverAll(b)).isEmpty();
    }

    @Test
    void preparedBranchIsRecoveredByANewResourceAndCommitted() throws Exception {
        Xid xid = xid("tm-crashed");
        prepareAndForget(a, xid, "k", "recovered");
        a.close();

        try (PledgeXAResource fresh = new PledgeXAResource("A", cluster.participant("A"))) {
            assertThat(recoverAll(fresh)).containsExactly(xid);
            fresh.commit(xid, false);
            assertThat(recoverAll(fresh)).isEmpty();
        }
        assertThat(readAt("A", "k")).isEqualTo(bytes("recovered"));
    }

    @Test
    void recoveredBranchCanBeRolledBack() throws Exception {
        Xid xid = xid("tm-rolls-back");
        prepareAndForget(a, xid, "k", "never");

        try (PledgeXAResource fresh = new PledgeXAResource("A", cluster.participant("A"))) {
            fresh.rollback(xid);
            assertThat(recoverAll(fresh)).isEmpty();
        }
        assertThat(readAt("A", "k")).isNull();
    }

    @Test
    void participantRestartedWhilePreparedStillListsTheBranch() throws Exception {
        Xid xid = xid("participant-restarted");
        prepareAndForget(a, xid, "k", "survived");

        cluster.startParticipant("A", PrepareValidator.ACCEPT_ALL);

        assertThat(recoverAll(a)).containsExactly(xid);
        a.commit(xid, false);
        assertThat(readAt("A", "k")).isEqualTo(bytes("survived"));
    }

    @Test
    void recoveryScanReturnsEverythingAtItsStart() throws Exception {
        prepareAndForget(a, xid("one"), "k1", "v");
        prepareAndForget(a, xid("two"), "k2", "v");

        assertThat(a.recover(XAResource.TMSTARTRSCAN)).containsExactlyInAnyOrder(xid("one"), xid("two"));
        assertThat(a.recover(XAResource.TMNOFLAGS)).isEmpty();
        assertThat(a.recover(XAResource.TMENDRSCAN)).isEmpty();
        assertThatThrownBy(() -> a.recover(XAResource.TMNOFLAGS)).isInstanceOf(XAException.class);
        a.rollback(xid("one"));
        a.rollback(xid("two"));
    }

    @Test
    void lockConflictAtPrepareIsATransientRollback() throws Exception {
        prepareAndForget(a, xid("holds-k"), "k", "first");
        Xid second = xid("wants-k");
        a.start(second, XAResource.TMNOFLAGS);
        a.put(bytes("k"), bytes("second"));
        a.end(second, XAResource.TMSUCCESS);

        assertThatThrownBy(() -> a.prepare(second)).isInstanceOfSatisfying(XAException.class,
                e -> assertThat(e.errorCode).isEqualTo(XAException.XA_RBTRANSIENT));
        a.commit(xid("holds-k"), false);
        assertThat(readAt("A", "k")).isEqualTo(bytes("first"));
    }

    @Test
    void narayanaRecoveryCommitsABranchWhoseCommitWasLost() throws Exception {
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(a);
        a.put(bytes("k"), bytes("v1"));
        XAResource bLosesCommit = new CommitLostOnce(b);
        tx.enlistResource(bLosesCommit);
        b.put(bytes("k"), bytes("v1"));
        tm.commit();
        assertThat(recoverAll(b)).hasSize(1);

        try (PledgeXAResource freshB = new PledgeXAResource("B", cluster.participant("B"))) {
            NarayanaTm.recover(freshB);
            assertThat(recoverAll(freshB)).isEmpty();
        }
        assertThat(readAt("A", "k")).isEqualTo(bytes("v1"));
        assertThat(readAt("B", "k")).isEqualTo(bytes("v1"));
    }

    /**
     * More threads commit at once than the participants serve connections: each resource keeps to
     * its pool's size and the rest wait their turn, so nothing is rolled back for want of a socket.
     */
    @Test
    void moreConcurrentCommitsThanTheParticipantServesConnectionsAllCommit() throws Exception {
        int threads = 48;
        int txsEach = 4;
        try (InJvmCluster small = new InJvmCluster(root.resolve("small"), List.of("A", "B"), c -> c)
                .withParticipantTuning(c -> c.withServerLimits(c.rpc().server().withWorkers(8))).startAll();
             PledgeXAResource smallA = new PledgeXAResource("A", small.participant("A"),
                     RpcClientConfig.defaults().withPoolSize(4), Duration.ofSeconds(30));
             PledgeXAResource smallB = new PledgeXAResource("B", small.participant("B"),
                     RpcClientConfig.defaults().withPoolSize(4), Duration.ofSeconds(30))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> committed = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                committed.add(pool.submit(() -> {
                    go.await();
                    int n = 0;
                    for (int i = 0; i < txsEach; i++) {
                        tm.begin();
                        Transaction tx = tm.getTransaction();
                        tx.enlistResource(smallA);
                        smallA.put(bytes("k" + thread), bytes("v" + i));
                        tx.enlistResource(smallB);
                        smallB.put(bytes("k" + thread), bytes("v" + i));
                        tm.commit();
                        n++;
                    }
                    return n;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : committed) total += f.get(120, TimeUnit.SECONDS);
            pool.shutdown();
            assertThat(total).isEqualTo(threads * txsEach);
            try (PledgeClient smallReader = PledgeClient.builder().coordinator(small.coordinator()).build()) {
                assertThat(read(smallReader, small.participant("B"), bytes("k7"))).isEqualTo(bytes("v" + (txsEach - 1)));
            }
        }
    }

    @Test
    void malformedXidGetsAClearXaExceptionNotANullPointer() {
        Xid noGtrid = new Xid() {
            public int getFormatId() { return 1; }
            public byte[] getGlobalTransactionId() { return null; }
            public byte[] getBranchQualifier() { return new byte[] {1}; }
        };

        assertThatThrownBy(() -> a.commit(noGtrid, false)).isInstanceOfSatisfying(XAException.class,
                e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_INVAL))
                .hasMessageContaining("global transaction id is null");
        assertThatThrownBy(() -> a.start(null, XAResource.TMNOFLAGS)).isInstanceOfSatisfying(XAException.class,
                e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_INVAL))
                .hasMessageContaining("Xid is null");
    }
}
