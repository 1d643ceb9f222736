package dev.pledge.participant.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.TxId;
import org.junit.jupiter.api.Test;

class LockTableTest {
    private final LockTable locks = new LockTable();
    private final Key k = Key.utf8("k");
    private final TxId older = CoreHarness.tx(1);
    private final TxId younger = CoreHarness.tx(2);

    @Test
    void sharedLocksAreCompatible() {
        assertThat(locks.acquire(older, k, LockMode.SHARED).outcome()).isEqualTo(LockTable.Outcome.GRANTED);
        assertThat(locks.acquire(younger, k, LockMode.SHARED).outcome()).isEqualTo(LockTable.Outcome.GRANTED);
        assertThat(locks.holders(k)).containsOnlyKeys(older, younger);
    }

    @Test
    void sharedAndExclusiveConflict() {
        locks.acquire(younger, k, LockMode.SHARED);
        assertThat(locks.acquire(older, k, LockMode.EXCLUSIVE).outcome()).isEqualTo(LockTable.Outcome.WAIT);
    }

    @Test
    void exclusiveLocksConflict() {
        locks.acquire(older, k, LockMode.EXCLUSIVE);
        assertThat(locks.acquire(younger, k, LockMode.EXCLUSIVE).outcome()).isEqualTo(LockTable.Outcome.DIE);
    }

    @Test
    void olderRequesterWaitsAndYoungerDies() {
        locks.acquire(younger, k, LockMode.EXCLUSIVE);
        assertThat(locks.acquire(older, k, LockMode.SHARED).outcome()).isEqualTo(LockTable.Outcome.WAIT);

        LockTable other = new LockTable();
        other.acquire(older, k, LockMode.EXCLUSIVE);
        assertThat(other.acquire(younger, k, LockMode.SHARED).outcome()).isEqualTo(LockTable.Outcome.DIE);
    }

    @Test
    void releaseGrantsTheWaiter() {
        locks.acquire(younger, k, LockMode.EXCLUSIVE);
        locks.acquire(older, k, LockMode.EXCLUSIVE);
        LockTable.Changes c = locks.releaseAll(younger);
        assertThat(c.granted()).containsExactly(new LockTable.Request(older, k, LockMode.EXCLUSIVE));
        assertThat(locks.holders(k)).containsOnlyKeys(older);
    }

    @Test
    void aWaiterThatWouldWaitOnAnOlderHolderDies() {
        TxId oldest = CoreHarness.tx(1);
        TxId middle = CoreHarness.tx(2);
        TxId youngest = CoreHarness.tx(3);
        locks.acquire(youngest, k, LockMode.SHARED);
        assertThat(locks.acquire(middle, k, LockMode.EXCLUSIVE).outcome()).isEqualTo(LockTable.Outcome.WAIT);
        LockTable.Acquired got = locks.acquire(oldest, k, LockMode.SHARED);
        assertThat(got.outcome()).isEqualTo(LockTable.Outcome.GRANTED);
        assertThat(got.changes().victims()).containsExactly(new LockTable.Request(middle, k, LockMode.EXCLUSIVE));
    }

    @Test
    void prepareKeepsOnlyTheLocksOfWrittenKeys() {
        Key read = Key.utf8("r");
        Key readForUpdate = Key.utf8("u");
        locks.acquire(older, k, LockMode.EXCLUSIVE);
        locks.acquire(older, read, LockMode.SHARED);
        locks.acquire(older, readForUpdate, LockMode.EXCLUSIVE);
        locks.releaseAllBut(older, java.util.Set.of(k));
        assertThat(locks.heldBy(older)).containsOnlyKeys(k);
    }

    @Test
    void aYoungerRequesterWaitsForAPreparedHolderBecausePreparedBranchesNeverWait() {
        locks.acquire(older, k, LockMode.EXCLUSIVE);
        locks.releaseAllBut(older, java.util.Set.of(k));
        assertThat(locks.acquire(younger, k, LockMode.EXCLUSIVE).outcome()).isEqualTo(LockTable.Outcome.WAIT);
        LockTable.Changes c = locks.releaseAll(older);
        assertThat(c.granted()).containsExactly(new LockTable.Request(younger, k, LockMode.EXCLUSIVE));
    }

    @Test
    void aFinishedPreparedTransactionIsNoLongerWaitedOnAsPrepared() {
        locks.acquire(older, k, LockMode.EXCLUSIVE);
        locks.releaseAllBut(older, java.util.Set.of(k));
        locks.releaseAll(older);
        // The same id active again (a test-only reuse) is judged by age once more: the younger dies.
        locks.acquire(older, k, LockMode.EXCLUSIVE);
        assertThat(locks.acquire(younger, k, LockMode.EXCLUSIVE).outcome()).isEqualTo(LockTable.Outcome.DIE);
    }
}
