package dev.pledge.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Everything pending in the world, in scheduling order; bounded, since a runaway retry loop is itself a bug. */
final class Agenda {
    static final int ITEMS_MAX = 50_000;

    private record Scheduled(long seq, Item item) {}

    private final List<Scheduled> items = new ArrayList<>();
    private long seq;

    void add(Item item) {
        if (items.size() >= ITEMS_MAX) throw new IllegalStateException("agenda over " + ITEMS_MAX + " items");
        items.add(new Scheduled(seq++, item));
    }

    void remove(Item item) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).item() == item) {
                items.remove(i);
                return;
            }
        }
        throw new IllegalStateException("not pending: " + item.describe());
    }

    /** The earliest item (ties in scheduling order), or null. */
    Item earliest() {
        Scheduled best = null;
        for (Scheduled s : items) {
            if (best == null || s.item().dueMs() < best.item().dueMs()
                    || s.item().dueMs() == best.item().dueMs() && s.seq() < best.seq()) best = s;
        }
        return best == null ? null : best.item();
    }

    /** Items in a canonical order, independent of the history that scheduled them. */
    List<Item> canonical() {
        List<Item> out = new ArrayList<>();
        for (Scheduled s : items) out.add(s.item());
        out.sort(Comparator.comparing(Item::describe));
        return out;
    }

    /** No packet in flight, no write waiting, no call waiting for an answer (timers may remain). */
    boolean isQuiet() {
        for (Scheduled s : items) {
            Item i = s.item();
            if (i instanceof Item.Delivery || i instanceof Item.Flush || i instanceof Item.CallTimeout) return false;
        }
        return true;
    }

    String describe() {
        TreeSet<String> unique = new TreeSet<>();
        List<String> repeats = new ArrayList<>();
        for (Scheduled s : items) {
            if (!unique.add(s.item().describe())) repeats.add(s.item().describe());
        }
        repeats.sort(null);
        return unique + " " + repeats;
    }
}
