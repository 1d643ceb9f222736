package dev.pledge.participant.protocol;

import dev.pledge.core.TxId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a store would hand back at start-up after these Outputs were written (all of them, synced or not). */
final class DurableModel {
    private DurableModel() {}

    static List<Record> replay(List<Outputs> outputs) {
        Record.Incarnation inc = null;
        Record.Storage storage = null;
        Map<TxId, Record.Prepared> prepared = new LinkedHashMap<>();
        Map<TxId, Record.Concluded> outcomes = new LinkedHashMap<>();
        Map<String, Record.SweptUpTo> swept = new LinkedHashMap<>();
        for (Outputs o : outputs) {
            for (Record r : o.records()) {
                if (r instanceof Record.Incarnation i) inc = i;
                else if (r instanceof Record.Storage st) storage = st;
                else if (r instanceof Record.Prepared p) prepared.put(p.txId(), p);
                else if (r instanceof Record.Applied a) {
                    prepared.remove(a.txId());
                    outcomes.put(a.txId(), new Record.Concluded(a.txId(), a.outcome(), a.atMs()));
                } else if (r instanceof Record.Concluded c) {
                    prepared.remove(c.txId());
                    outcomes.put(c.txId(), c);
                } else if (r instanceof Record.OutcomeForgotten f) {
                    outcomes.remove(f.txId());
                } else if (r instanceof Record.SweptUpTo w) {
                    swept.put(w.watermark().coordinatorId(), w);
                }
            }
        }
        List<Record> out = new ArrayList<>();
        if (storage != null) out.add(storage);
        if (inc != null) out.add(inc);
        out.addAll(prepared.values());
        out.addAll(outcomes.values());
        out.addAll(swept.values());
        return out;
    }
}
