package dev.pledge.coordinator.protocol;

import dev.pledge.core.AbortReason;
import dev.pledge.core.Check;
import dev.pledge.core.Limits;
import dev.pledge.core.TxId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A decision-log record (docs/protocol.md, "Coordinator records"). The core applies each record to
 * its memory through one path, {@code apply(record)}, both in normal operation and in recovery.
 */
public sealed interface Record {

    /** Start-up: synced before any TxId of {@code epoch} is handed out. */
    record Epoch(long epoch) implements Record {
        public Epoch {
            Check.argument(epoch >= 1, "epoch must be >= 1, was %s", epoch);
        }
    }

    /**
     * The data directory's identity, synced once with the first epoch it holds. Epochs below
     * {@code firstEpoch} were handed out by an earlier life of this coordinator whose records are
     * not here: their transactions are unknown (FORGOTTEN), never presumed aborted.
     */
    record Storage(long storageId, long firstEpoch) implements Record {
        public Storage {
            Check.argument(storageId != 0, "storageId 0 means unknown");
            Check.argument(firstEpoch >= 1, "firstEpoch must be >= 1, was %s", firstEpoch);
        }
    }

    /**
     * The commit decision; synced before the COMMITTED answer and before any commit message.
     * {@code requestKey}: the client's idempotency key of a write-only transaction, else null.
     * {@code voterStorage}: the storage identity each YES voter voted from (absent where it sent none),
     * so an acknowledgement from a different storage is known as data loss, even after a restart.
     */
    record Commit(TxId txId, List<String> yesVoters, List<String> participants, String requestKey,
                  Map<String, Long> voterStorage) implements Record {
        public Commit {
            Objects.requireNonNull(txId, "txId");
            yesVoters = List.copyOf(yesVoters);
            participants = List.copyOf(participants);
            voterStorage = Collections.unmodifiableMap(new LinkedHashMap<>(voterStorage));
        }

        public Commit(TxId txId, List<String> yesVoters, List<String> participants, String requestKey) {
            this(txId, yesVoters, participants, requestKey, Map.of());
        }

        public Commit(TxId txId, List<String> yesVoters, List<String> participants) {
            this(txId, yesVoters, participants, null);
        }

        /** The storage {@code participantId} voted YES from, or 0 if not known. */
        public long storageOf(String participantId) {
            return voterStorage.getOrDefault(participantId, 0L);
        }
    }

    /**
     * Written, not synced, before the one-phase commit is sent: a restart that finds it asks the
     * branch; one that lost it answers FORGOTTEN (the TxId is from before the restart), never ABORTED.
     */
    record OnePhase(TxId txId, String participantId, String requestKey) implements Record {
        public OnePhase {
            Objects.requireNonNull(txId, "txId");
            Objects.requireNonNull(participantId, "participantId");
        }

        public OnePhase(TxId txId, String participantId) {
            this(txId, participantId, null);
        }
    }

    /** The abort decision; not synced (presumed abort gives the same answer if it is lost). */
    record Abort(TxId txId, List<String> participantsToTell, AbortReason reason, String message, long decidedAtMs)
            implements Record {
        public Abort {
            Objects.requireNonNull(txId, "txId");
            Objects.requireNonNull(reason, "reason");
            participantsToTell = List.copyOf(participantsToTell);
            message = message == null ? "" : Limits.clip(message, Limits.REASON_CHARS_MAX);
        }
    }

    /**
     * Every YES voter acknowledged the commit; the record is kept until endTimeMs + retention.
     * {@code damage}: one line per participant whose acknowledgement showed that its committed
     * writes are lost (it came back on a new storage, or reports the branch aborted); empty when clean.
     */
    record End(TxId txId, long endTimeMs, List<String> damage) implements Record {
        public End {
            Objects.requireNonNull(txId, "txId");
            damage = List.copyOf(damage);
        }

        public End(TxId txId, long endTimeMs) {
            this(txId, endTimeMs, List.of());
        }
    }

    /**
     * Retention passed: the transaction's records are dropped and the forgotten-commit watermark
     * becomes {@code watermark} in the same write. {@code watermark} is null while no commit has
     * ever been forgotten (forgetting an abort does not raise it).
     */
    record Forget(TxId txId, TxId watermark) implements Record {
        public Forget {
            Objects.requireNonNull(txId, "txId");
        }
    }
}
