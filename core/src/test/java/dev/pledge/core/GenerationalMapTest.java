package dev.pledge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GenerationalMapTest {

    @Test
    void keepsInsertionOrderAcrossGenerationsAndAPutMovesAKeyToTheEnd() {
        GenerationalMap<Integer, String> map = new GenerationalMap<>(2);
        for (int i = 1; i <= 5; i++) map.put(i, "v" + i);
        assertThat(map.generations()).isEqualTo(3);

        assertThat(map.put(2, "again")).isEqualTo("v2");

        assertThat(keys(map)).containsExactly(1, 3, 4, 5, 2);
        assertThat(map.get(2)).isEqualTo("again");
        assertThat(map.size()).isEqualTo(5);
        assertThat(map.oldest().getKey()).isEqualTo(1);
    }

    @Test
    void putIfAbsentKeepsThePresentValueAndItsPlace() {
        GenerationalMap<Integer, String> map = new GenerationalMap<>(2);
        map.put(1, "a");
        map.put(2, "b");
        map.put(3, "c");

        assertThat(map.putIfAbsent(1, "z")).isEqualTo("a");
        assertThat(map.putIfAbsent(4, "d")).isNull();

        assertThat(keys(map)).containsExactly(1, 2, 3, 4);
        assertThat(map.get(1)).isEqualTo("a");
    }

    @Test
    void anEmptiedGenerationIsDroppedSoTheOldestIsAlwaysFoundAtOnce() {
        GenerationalMap<Integer, String> map = new GenerationalMap<>(2);
        for (int i = 1; i <= 6; i++) map.put(i, "v" + i);

        map.remove(3);
        map.remove(4);
        assertThat(map.generations()).isEqualTo(2);
        map.remove(1);
        map.remove(2);

        assertThat(map.generations()).isEqualTo(1);
        assertThat(map.oldest().getKey()).isEqualTo(5);
        map.remove(5);
        map.remove(6);
        assertThat(map.oldest()).isNull();
        assertThat(map.isEmpty()).isTrue();
        map.put(7, "v7");
        assertThat(keys(map)).containsExactly(7);
    }

    @Test
    void behavesAsALinkedHashMapWhosePutMovesTheKeyToTheEnd() {
        Random random = new Random(7);
        GenerationalMap<Integer, Integer> map = new GenerationalMap<>(16);
        LinkedHashMap<Integer, Integer> model = new LinkedHashMap<>();
        for (int step = 0; step < 20_000; step++) {
            int key = random.nextInt(300);
            switch (random.nextInt(5)) {
                case 0, 1 -> assertThat(map.put(key, step)).isEqualTo(movePut(model, key, step));
                case 2 -> assertThat(map.putIfAbsent(key, step)).isEqualTo(model.putIfAbsent(key, step));
                case 3 -> assertThat(map.remove(key)).isEqualTo(model.remove(key));
                default -> {
                    Map.Entry<Integer, Integer> oldest = map.oldest();
                    if (oldest != null) assertThat(map.remove(oldest.getKey())).isEqualTo(model.remove(oldest.getKey()));
                    else assertThat(model).isEmpty();
                }
            }
            assertThat(map.get(key)).isEqualTo(model.get(key));
            assertThat(map.size()).isEqualTo(model.size());
        }
        assertThat(keys(map)).containsExactlyElementsOf(model.keySet());
        List<Integer> visited = new ArrayList<>();
        map.forEach((k, v) -> visited.add(k));
        assertThat(visited).containsExactlyElementsOf(model.keySet());
    }

    @Test
    void refusesNullsAndAnEmptyGeneration() {
        GenerationalMap<Integer, String> map = new GenerationalMap<>();
        assertThatThrownBy(() -> map.put(null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.put(1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GenerationalMap<Integer, String>(0))
                .hasMessageContaining("generationMax must be > 0, was 0");
    }

    private static Integer movePut(LinkedHashMap<Integer, Integer> model, int key, int value) {
        Integer old = model.remove(key);
        model.put(key, value);
        return old;
    }

    private static <K, V> List<K> keys(GenerationalMap<K, V> map) {
        List<K> keys = new ArrayList<>();
        for (Map.Entry<K, V> e : map.entries()) keys.add(e.getKey());
        return keys;
    }
}
