package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.core.TxId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestKeysTest {
    /** What the ledger would hold: each transaction's request key. */
    private final Map<TxId, String> held = new HashMap<>();
    private final RequestKeys keys = new RequestKeys(held::get);

    @Test
    void aKeyFindsItsTransactionEvenAmongKeysOfTheSameHash() {
        // "Aa" and "BB" share a String hash code, as do "AaAa", "AaBB", "BBAa" and "BBBB".
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        TxId a = hold("Aa", 1);
        TxId b = hold("BB", 2);

        assertThat(keys.get("Aa")).isEqualTo(a);
        assertThat(keys.get("BB")).isEqualTo(b);
        assertThat(keys.get("AaBB")).isNull();
        assertThat(keys.add("BB", new TxId("coord-1", 1, 3))).as("a key names one transaction").isFalse();
    }

    @Test
    void removingAKeyNeedsOnlyTheKeyAndItsTxIdNotTheLedger() {
        TxId a = hold("Aa", 1);
        TxId b = hold("BB", 2);
        held.clear(); // the archive forgot both before their keys go

        keys.remove("Aa", a);
        held.put(b, "BB");

        assertThat(keys.get("BB")).isEqualTo(b);
        assertThat(keys.size()).isEqualTo(1);
        keys.remove("BB", new TxId("coord-1", 1, 9)); // another transaction: nothing removed
        assertThat(keys.size()).isEqualTo(1);
    }

    @Test
    void behavesAsAMapFromKeyToTransaction() {
        Random random = new Random(11);
        Map<String, TxId> model = new HashMap<>();
        List<String> colliding = List.of("AaAa", "AaBB", "BBAa", "BBBB");
        long sequence = 0;
        for (int step = 0; step < 50_000; step++) {
            String key = random.nextInt(4) == 0 ? colliding.get(random.nextInt(4)) : "k" + random.nextInt(500);
            if (random.nextInt(3) > 0 && !model.containsKey(key)) {
                TxId id = new TxId(random.nextBoolean() ? "coord-1" : "old-name", 1 + random.nextInt(3), ++sequence);
                held.put(id, key);
                assertThat(keys.add(key, id)).isTrue();
                model.put(key, id);
            } else if (model.containsKey(key)) {
                TxId id = model.remove(key);
                keys.remove(key, id);
                held.remove(id);
            }
            assertThat(keys.get(key)).isEqualTo(model.get(key));
            assertThat(keys.size()).isEqualTo(model.size());
            if (step % 1_000 == 0) {
                for (Map.Entry<String, TxId> e : model.entrySet()) assertThat(keys.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
        for (String key : new ArrayList<>(model.keySet())) keys.remove(key, model.remove(key));
        assertThat(keys.size()).isZero();
        assertThat(keys.get("AaAa")).isNull();
    }

    @Test
    void theTablesGrowAndShrinkWithTheKeys() {
        List<TxId> ids = new ArrayList<>();
        for (int i = 1; i <= 100_000; i++) ids.add(hold("key-" + i, i));
        long full = keys.slots();
        for (int i = 1; i <= 99_000; i++) {
            keys.remove("key-" + i, ids.get(i - 1));
            held.remove(ids.get(i - 1));
        }

        assertThat(full).isGreaterThanOrEqualTo(2 * 100_000);
        assertThat(keys.slots()).isLessThanOrEqualTo(full / 16);
        assertThat(keys.get("key-100000")).isEqualTo(ids.get(99_999));
        assertThat(keys.get("key-5")).isNull();
    }

    private TxId hold(String key, long sequence) {
        TxId id = new TxId("coord-1", 1, sequence);
        held.put(id, key);
        assertThat(keys.add(key, id)).isTrue();
        return id;
    }
}
