package dev.pledge.core;

import java.util.Objects;

/**
 * A transaction id: coordinator node id, the durable epoch it started with, and a sequence within
 * that epoch. Older transactions order first: (epoch, sequence), then coordinator id.
 * Text form "coord-1.7.42"; the coordinator id may itself contain dots, so parsing splits from the right.
 */
public record TxId(String coordinatorId, long epoch, long sequence) implements Comparable<TxId> {
    /**
     * Coordinator ids starting with this name transactions that an external transaction manager
     * coordinates (XA): participants never ask a Pledge coordinator or their peers about them,
     * and an in-doubt branch waits for that manager's commit, rollback or recover.
     */
    public static final String EXTERNAL_PREFIX = "xa:";

    public TxId {
        Objects.requireNonNull(coordinatorId, "coordinatorId");
        // Bounded here, so every TxId that reaches a record or a log line is: a peer's id is refused as it arrives.
        Limits.checkId("coordinatorId", coordinatorId);
        Check.argument(epoch >= 1, "epoch must be >= 1, was %s", epoch);
        Check.argument(sequence >= 1, "sequence must be >= 1, was %s", sequence);
    }

    public static TxId parse(String text) {
        Objects.requireNonNull(text, "text");
        int lastDot = text.lastIndexOf('.');
        int epochDot = lastDot > 0 ? text.lastIndexOf('.', lastDot - 1) : -1;
        if (epochDot <= 0) {
            throw new IllegalArgumentException("not a TxId (want coordinator.epoch.sequence): " + text);
        }
        try {
            return new TxId(text.substring(0, epochDot),
                    Long.parseLong(text.substring(epochDot + 1, lastDot)),
                    Long.parseLong(text.substring(lastDot + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a TxId (want coordinator.epoch.sequence): " + text, e);
        }
    }

    /** Coordinated by an external transaction manager (see {@link #EXTERNAL_PREFIX}). */
    public boolean isExternal() {
        return coordinatorId.startsWith(EXTERNAL_PREFIX);
    }

    /** True if this transaction is older than {@code other} (wait-die: the older one may wait). */
    public boolean isOlderThan(TxId other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(TxId other) {
        int c = Long.compare(epoch, other.epoch);
        if (c != 0) return c;
        c = Long.compare(sequence, other.sequence);
        if (c != 0) return c;
        return coordinatorId.compareTo(other.coordinatorId);
    }

    @Override
    public String toString() {
        return coordinatorId + "." + epoch + "." + sequence;
    }
}
