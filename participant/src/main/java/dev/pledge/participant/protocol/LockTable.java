package dev.pledge.participant.protocol;

import dev.pledge.core.Check;
import dev.pledge.core.TxId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict two-phase locks per key with wait-die on TxId order. Pure: no threads; a "waiting"
 * request is only a queue entry, and the caller parks whatever is waiting on it.
 *
 * <p>The one invariant that keeps waiting acyclic: a waiter only ever waits on holders younger
 * than itself, or on PREPARED holders. A prepared branch never waits for anything (it takes no
 * more locks), so an edge into it cannot close a cycle; and the remaining edges all point from
 * older to younger. It is checked when a request starts waiting and re-checked whenever holders
 * change; a waiter that would now wait on an older, unprepared holder is returned as a victim.
 * Waiting on a prepared holder is what lets a client's next transaction queue behind its own
 * previous one, whose phase two has not reached this participant yet, instead of dying.
 */
public final class LockTable {

    public enum Outcome { GRANTED, WAIT, DIE }

    /** A lock request: granted, waiting, or a victim that must die. */
    public record Request(TxId tx, Key key, LockMode mode) {}

    /** What a change did to other transactions: waiters now granted, and waiters that must die. */
    public record Changes(List<Request> granted, List<Request> victims) {
        public static final Changes NONE = new Changes(List.of(), List.of());

        public boolean isEmpty() {
            return granted.isEmpty() && victims.isEmpty();
        }
    }

    public record Acquired(Outcome outcome, Changes changes) {}

    private static final class KeyLocks {
        final Map<TxId, LockMode> holders = new LinkedHashMap<>();
        final Map<TxId, LockMode> waiters = new LinkedHashMap<>();

        boolean isEmpty() {
            return holders.isEmpty() && waiters.isEmpty();
        }
    }

    private final Map<Key, KeyLocks> locks = new HashMap<>();
    private final Map<TxId, Set<Key>> keysByTx = new HashMap<>();
    /** Prepared transactions: they hold locks but will never wait again. */
    private final Set<TxId> prepared = new HashSet<>();

    public Acquired acquire(TxId tx, Key key, LockMode mode) {
        KeyLocks kl = locks.computeIfAbsent(key, k -> new KeyLocks());
        Check.state(!kl.waiters.containsKey(tx), "%s already waits for %s", tx, key);
        LockMode held = kl.holders.get(tx);
        if (held != null && held.max(mode) == held) return new Acquired(Outcome.GRANTED, Changes.NONE);
        LockMode wanted = held == null ? mode : held.max(mode);
        boolean conflict = false;
        boolean mustDie = false;
        for (Map.Entry<TxId, LockMode> h : kl.holders.entrySet()) {
            if (h.getKey().equals(tx) || h.getValue().compatibleWith(wanted)) continue;
            conflict = true;
            if (mayNotWaitOn(tx, h.getKey())) mustDie = true;
        }
        if (!conflict) {
            kl.holders.put(tx, wanted);
            keysByTx.computeIfAbsent(tx, t -> new HashSet<>()).add(key);
            return new Acquired(Outcome.GRANTED, victimsOf(key, kl));
        }
        if (mustDie) {
            if (kl.isEmpty()) locks.remove(key);
            return new Acquired(Outcome.DIE, Changes.NONE);
        }
        kl.waiters.put(tx, wanted);
        keysByTx.computeIfAbsent(tx, t -> new HashSet<>()).add(key);
        return new Acquired(Outcome.WAIT, Changes.NONE);
    }

    /** Releases everything {@code tx} holds and withdraws its waits (commit, abort, read-only vote). */
    public Changes releaseAll(TxId tx) {
        prepared.remove(tx);
        Set<Key> keys = keysByTx.remove(tx);
        if (keys == null) return Changes.NONE;
        List<Request> granted = new ArrayList<>();
        List<Request> victims = new ArrayList<>();
        for (Key key : keys) {
            KeyLocks kl = locks.get(key);
            kl.holders.remove(tx);
            kl.waiters.remove(tx);
            Changes c = promote(key, kl);
            granted.addAll(c.granted);
            victims.addAll(c.victims);
        }
        return new Changes(granted, victims);
    }

    /**
     * At prepare: keeps the locks on {@code keep} (the written keys, all exclusive) and drops every
     * other; from now on {@code tx} never waits, so younger transactions may wait on it.
     */
    public Changes releaseAllBut(TxId tx, Set<Key> keep) {
        Set<Key> keys = keysByTx.get(tx);
        if (keys == null) return Changes.NONE;
        prepared.add(tx);
        List<Request> granted = new ArrayList<>();
        List<Request> victims = new ArrayList<>();
        for (Iterator<Key> it = keys.iterator(); it.hasNext(); ) {
            Key key = it.next();
            KeyLocks kl = locks.get(key);
            Check.state(!kl.waiters.containsKey(tx), "%s prepares while waiting for %s", tx, key);
            if (keep.contains(key)) {
                Check.state(kl.holders.get(tx) == LockMode.EXCLUSIVE, "%s keeps %s without an exclusive lock", tx, key);
                continue;
            }
            kl.holders.remove(tx);
            it.remove();
            Changes c = promote(key, kl);
            granted.addAll(c.granted);
            victims.addAll(c.victims);
        }
        if (keys.isEmpty()) keysByTx.remove(tx);
        return new Changes(granted, victims);
    }

    /** Withdraws one waiting request (its wait timed out); a withdrawn waiter may unblock others. */
    public Changes cancelWait(TxId tx, Key key) {
        KeyLocks kl = locks.get(key);
        if (kl == null || kl.waiters.remove(tx) == null) return Changes.NONE;
        if (!kl.holders.containsKey(tx)) {
            Set<Key> keys = keysByTx.get(tx);
            keys.remove(key);
            if (keys.isEmpty()) keysByTx.remove(tx);
        }
        return promote(key, kl);
    }

    public boolean isWaiting(TxId tx, Key key) {
        KeyLocks kl = locks.get(key);
        return kl != null && kl.waiters.containsKey(tx);
    }

    /** Holders of a key and their modes (a copy, for checkers). */
    public Map<TxId, LockMode> holders(Key key) {
        KeyLocks kl = locks.get(key);
        return kl == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kl.holders));
    }

    /** Keys {@code tx} holds, with modes (a copy). */
    public Map<Key, LockMode> heldBy(TxId tx) {
        Map<Key, LockMode> out = new HashMap<>();
        for (Key key : keysByTx.getOrDefault(tx, Set.of())) {
            LockMode m = locks.get(key).holders.get(tx);
            if (m != null) out.put(key, m);
        }
        return out;
    }

    public Set<Key> lockedKeys() {
        return Collections.unmodifiableSet(new HashSet<>(locks.keySet()));
    }

    /** Grants waiters in arrival order once they fit, then re-checks that no waiter waits on an older holder. */
    private Changes promote(Key key, KeyLocks kl) {
        List<Request> granted = new ArrayList<>();
        for (Iterator<Map.Entry<TxId, LockMode>> it = kl.waiters.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TxId, LockMode> w = it.next();
            if (conflictsWithHolders(kl, w.getKey(), w.getValue())) continue;
            it.remove();
            kl.holders.put(w.getKey(), w.getValue());
            granted.add(new Request(w.getKey(), key, w.getValue()));
        }
        Changes victims = victimsOf(key, kl);
        if (kl.isEmpty()) locks.remove(key);
        return new Changes(granted, victims.victims);
    }

    /** Waiters that now wait on an older holder must die; they stay queued until the caller aborts them. */
    private Changes victimsOf(Key key, KeyLocks kl) {
        List<Request> victims = new ArrayList<>();
        for (Map.Entry<TxId, LockMode> w : kl.waiters.entrySet()) {
            for (Map.Entry<TxId, LockMode> h : kl.holders.entrySet()) {
                boolean conflicts = !h.getKey().equals(w.getKey()) && !h.getValue().compatibleWith(w.getValue());
                if (conflicts && mayNotWaitOn(w.getKey(), h.getKey())) {
                    victims.add(new Request(w.getKey(), key, w.getValue()));
                    break;
                }
            }
        }
        return victims.isEmpty() ? Changes.NONE : new Changes(List.of(), victims);
    }

    /** Wait-die, refined: a waiter may wait on a younger holder, or on a prepared one (which never waits). */
    private boolean mayNotWaitOn(TxId waiter, TxId holder) {
        return !waiter.isOlderThan(holder) && !prepared.contains(holder);
    }

    private static boolean conflictsWithHolders(KeyLocks kl, TxId tx, LockMode mode) {
        for (Map.Entry<TxId, LockMode> h : kl.holders.entrySet()) {
            if (!h.getKey().equals(tx) && !h.getValue().compatibleWith(mode)) return true;
        }
        return false;
    }
}
