package dev.pledge.sim;

import dev.pledge.coordinator.protocol.Record;
import dev.pledge.coordinator.storage.CoordinatorLayout;
import dev.pledge.core.TxId;
import java.io.IOException;
import java.util.List;

/** The simulated decision log read back through the production {@link CoordinatorLayout}. */
final class CoordinatorDiskState {
    private final SimKv store;

    CoordinatorDiskState(SimKv store) {
        this.store = store;
    }

    /** What DecisionLog.readAll returns, in key order. */
    List<Record> readAll() {
        try {
            return CoordinatorLayout.INSTANCE.read(store);
        } catch (IOException e) {
            throw new IllegalStateException("simulated decision log does not decode", e);
        }
    }

    boolean hasCommit(TxId tx) {
        return CoordinatorLayout.hasCommit(store, tx);
    }

    String describe() {
        return readAll().toString();
    }
}
