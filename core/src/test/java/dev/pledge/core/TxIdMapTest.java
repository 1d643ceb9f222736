package dev.pledge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TxIdMapTest {

    @Test
    void keepsInsertionOrderAcrossChunksAndAPutMovesAKeyToTheEnd() {
        TxIdMap<String> map = new TxIdMap<>(2);
        for (int i = 1; i <= 5; i++) map.put(tx("c1", 1, i), "v" + i);
        assertThat(map.chunks()).isEqualTo(3);

        assertThat(map.put(tx("c1", 1, 2), "again")).isEqualTo("v2");

        assertThat(sequences(map)).containsExactly(1L, 3L, 4L, 5L, 2L);
        assertThat(map.get(tx("c1", 1, 2))).isEqualTo("again");
        assertThat(map.size()).isEqualTo(5);
        assertThat(map.oldest().getKey()).isEqualTo(tx("c1", 1, 1));
    }

    @Test
    void aKeyIsTheWholeTxIdCoordinatorEpochAndSequence() {
        TxIdMap<String> map = new TxIdMap<>();
        map.put(tx("c1", 1, 7), "a");
        map.put(tx("c2", 1, 7), "b");
        map.put(tx("c1", 2, 7), "c");

        assertThat(map.get(tx("c1", 1, 7))).isEqualTo("a");
        assertThat(map.get(tx("c2", 1, 7))).isEqualTo("b");
        assertThat(map.get(tx("c1", 2, 7))).isEqualTo("c");
        assertThat(map.get(tx("c2", 2, 7))).isNull();
        assertThat(map.containsKey(tx("c1", 1, 8))).isFalse();
        // Equal ids are found whether or not the coordinator id is the same String instance.
        assertThat(map.get(tx(new String("c1"), 1, 7))).isEqualTo("a");
    }

    @Test
    void putIfAbsentKeepsThePresentValueAndItsPlace() {
        TxIdMap<String> map = new TxIdMap<>(2);
        map.put(tx("c", 1, 1), "a");
        map.put(tx("c", 1, 2), "b");
        map.put(tx("c", 1, 3), "c");

        assertThat(map.putIfAbsent(tx("c", 1, 1), "z")).isEqualTo("a");
        assertThat(map.putIfAbsent(tx("c", 1, 4), "d")).isNull();

        assertThat(sequences(map)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(map.get(tx("c", 1, 1))).isEqualTo("a");
    }

    @Test
    void aChunkEmptiedAnywhereIsDroppedAndTheOldestIsFoundPastIt() {
        TxIdMap<String> map = new TxIdMap<>(2);
        for (int i = 1; i <= 6; i++) map.put(tx("c", 1, i), "v" + i);

        map.remove(tx("c", 1, 3));
        map.remove(tx("c", 1, 4));
        assertThat(map.chunks()).isEqualTo(2);
        map.remove(tx("c", 1, 1));
        map.remove(tx("c", 1, 2));

        assertThat(map.chunks()).isEqualTo(1);
        assertThat(map.oldest().getKey()).isEqualTo(tx("c", 1, 5));
        map.remove(tx("c", 1, 5));
        map.remove(tx("c", 1, 6));
        assertThat(map.oldest()).isNull();
        assertThat(map.isEmpty()).isTrue();
        map.put(tx("c", 1, 7), "v7");
        assertThat(sequences(map)).containsExactly(7L);
        assertThat(map.chunks()).isEqualTo(1);
    }

    @Test
    void theNewestChunkEmptiedWhileBeingFilledIsDroppedOnceItIsFull() {
        TxIdMap<String> map = new TxIdMap<>(2);
        map.put(tx("c", 1, 1), "a");
        map.put(tx("c", 1, 2), "b");
        map.remove(tx("c", 1, 1));
        map.remove(tx("c", 1, 2));
        assertThat(map.chunks()).isEqualTo(1);

        for (int i = 3; i <= 8; i++) {
            map.put(tx("c", 1, i), "v" + i);
            map.remove(tx("c", 1, i));
        }

        assertThat(map.chunks()).isEqualTo(1);
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void behavesAsALinkedHashMapWhosePutMovesTheKeyToTheEnd() {
        Random random = new Random(7);
        TxIdMap<Integer> map = new TxIdMap<>(16);
        LinkedHashMap<TxId, Integer> model = new LinkedHashMap<>();
        for (int step = 0; step < 50_000; step++) {
            // Few distinct keys, so that the index fills, empties, probes past removed neighbours and resizes.
            TxId key = tx("c" + random.nextInt(3), 1 + random.nextInt(2), 1 + random.nextInt(random.nextBoolean() ? 40 : 600));
            switch (random.nextInt(6)) {
                case 0, 1 -> assertThat(map.put(key, step)).isEqualTo(movePut(model, key, step));
                case 2 -> assertThat(map.putIfAbsent(key, step)).isEqualTo(model.putIfAbsent(key, step));
                case 3 -> assertThat(map.remove(key)).isEqualTo(model.remove(key));
                default -> {
                    Map.Entry<TxId, Integer> oldest = map.oldest();
                    if (oldest != null) {
                        assertThat(oldest.getKey()).isEqualTo(model.keySet().iterator().next());
                        assertThat(map.remove(oldest.getKey())).isEqualTo(model.remove(oldest.getKey()));
                    } else {
                        assertThat(model).isEmpty();
                    }
                }
            }
            assertThat(map.get(key)).isEqualTo(model.get(key));
            assertThat(map.size()).isEqualTo(model.size());
            if (step % 1_000 == 0) {
                for (TxId k : model.keySet()) assertThat(map.get(k)).isEqualTo(model.get(k));
            }
        }
        List<TxId> keys = new ArrayList<>();
        for (Map.Entry<TxId, Integer> e : map.entries()) keys.add(e.getKey());
        assertThat(keys).containsExactlyElementsOf(model.keySet());
        List<TxId> visited = new ArrayList<>();
        map.forEach((k, v) -> visited.add(k));
        assertThat(visited).containsExactlyElementsOf(model.keySet());
        // Memory follows the live entries: at most one chunk per live entry, plus the one being filled.
        assertThat(map.chunks()).isLessThanOrEqualTo(model.size() + 1);
    }

    @Test
    void removingFromTheOldestEndKeepsOnlyTheChunksOfLiveEntries() {
        TxIdMap<Integer> map = new TxIdMap<>(64);
        for (int i = 1; i <= 100_000; i++) {
            map.put(tx("coord-1", 3, i), i);
            if (i > 1_000) assertThat(map.remove(map.oldest().getKey())).isEqualTo(i - 1_000);
        }
        assertThat(map.size()).isEqualTo(1_000);
        assertThat(map.chunks()).isBetween(16, 17);
        assertThat(map.get(tx("coord-1", 3, 99_001))).isEqualTo(99_001);
        assertThat(map.get(tx("coord-1", 3, 99_000))).isNull();
    }

    @Test
    void theIndexShrinksWhenMostEntriesAreGone() {
        TxIdMap<Integer> map = new TxIdMap<>(64);
        for (int i = 1; i <= 100_000; i++) map.put(tx("coord-1", 3, i), i);
        long full = map.indexSlots();
        for (int i = 1; i <= 99_000; i++) map.remove(tx("coord-1", 3, i));

        assertThat(map.indexSlots()).isLessThanOrEqualTo(full / 16);
        assertThat(map.get(tx("coord-1", 3, 100_000))).isEqualTo(100_000);
    }

    @Test
    void refusesNullsAndAnEmptyChunk() {
        TxIdMap<String> map = new TxIdMap<>();
        assertThatThrownBy(() -> map.put(null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.put(tx("c", 1, 1), null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(map.get(null)).isNull();
        assertThatThrownBy(() -> new TxIdMap<String>(0)).hasMessageContaining("chunkSlots must be > 0, was 0");
    }

    private static TxId tx(String coordinator, long epoch, long sequence) {
        return new TxId(coordinator, epoch, sequence);
    }

    private static Integer movePut(LinkedHashMap<TxId, Integer> model, TxId key, int value) {
        Integer old = model.remove(key);
        model.put(key, value);
        return old;
    }

    private static <V> List<Long> sequences(TxIdMap<V> map) {
        List<Long> out = new ArrayList<>();
        for (Map.Entry<TxId, V> e : map.entries()) out.add(e.getKey().sequence());
        return out;
    }
}
