package dev.pledge.sim;

import dev.pledge.coordinator.protocol.Message;
import dev.pledge.coordinator.protocol.Write;
import dev.pledge.participant.protocol.Key;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Write sets of write-only transactions as they travel: the client's (participant, key, value text),
 * the coordinator's raw {@link Write}s, and the participant's own writes. Values are the bank's
 * balance text; a write-only transfer adds the balance it expects to replace, {@code "90|100"}, which
 * the application's validator checks at prepare (optimistic concurrency) and readers ignore.
 */
final class Writes {
    private static final char EXPECTED = '|';

    private Writes() {}

    static String casValue(long balance, long expectedBalance) {
        return balance + String.valueOf(EXPECTED) + expectedBalance;
    }

    /** The balance a stored value holds. */
    static long balance(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        int bar = s.indexOf(EXPECTED);
        return Long.parseLong(bar < 0 ? s : s.substring(0, bar));
    }

    /** The balance a write-only transfer expects to replace, or null for a plain value. */
    static Long expected(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        int bar = s.indexOf(EXPECTED);
        return bar < 0 ? null : Long.parseLong(s.substring(bar + 1));
    }

    /** The client's write sets (participant -> key -> value) as the coordinator's request carries them. */
    static Map<String, List<Write>> toCoordinator(SortedMap<String, SortedMap<String, String>> byParticipant) {
        Map<String, List<Write>> out = new LinkedHashMap<>();
        byParticipant.forEach((pid, writes) -> {
            List<Write> list = new ArrayList<>();
            writes.forEach((k, v) -> list.add(new Write(utf8(k), utf8(v))));
            out.put(pid, list);
        });
        return out;
    }

    /** The coordinator's writes as the participant core takes them (as the wire handler converts them); null stays null. */
    static List<dev.pledge.participant.protocol.Write> toParticipant(List<Write> writes) {
        if (writes == null) return null;
        List<dev.pledge.participant.protocol.Write> out = new ArrayList<>(writes.size());
        for (Write w : writes) {
            Key key = Key.of(w.key());
            out.add(w.value() == null ? dev.pledge.participant.protocol.Write.delete(key)
                    : dev.pledge.participant.protocol.Write.put(key, w.value()));
        }
        return out;
    }

    /** The writes a coordinator message carries (null for a branch built by operations). */
    static List<Write> carried(Object message) {
        if (message instanceof Message.Prepare p) return p.writes();
        if (message instanceof Message.CommitOnePhase c) return c.writes();
        return null;
    }

    /** "k=v, ..." of either kind of write list, for traces, checks and state hashing (byte arrays print by identity). */
    static String text(List<?> writes) {
        List<String> parts = new ArrayList<>();
        for (Object o : writes) {
            if (o instanceof Write w) parts.add(string(w.key()) + "=" + (w.value() == null ? "(delete)" : string(w.value())));
            else if (o instanceof dev.pledge.participant.protocol.Write w) {
                parts.add(string(w.key().bytes()) + "=" + (w.isDelete() ? "(delete)" : string(w.value())));
            }
        }
        return String.join(", ", parts);
    }

    /** A message or event as text, its writes spelled out. */
    static String describe(Object o) {
        if (o instanceof Message.Prepare p && p.writes() != null) {
            return "Prepare[" + p.txId() + " " + p.participantId() + " of " + p.participants() + " writes{" + text(p.writes()) + "}]";
        }
        if (o instanceof Message.CommitOnePhase c && c.writes() != null) {
            return "CommitOnePhase[" + c.txId() + " " + c.participantId() + " writes{" + text(c.writes()) + "}]";
        }
        return String.valueOf(o);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
