package dev.pledge.demo.dashboard;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    @Test
    void writesNestedMapsListsAndScalars() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", 3L);
        m.put("ms", 1.5);
        m.put("ok", true);
        m.put("none", null);
        m.put("list", List.of(1, "a"));

        assertThat(Json.write(m)).isEqualTo("{\"n\":3,\"ms\":1.500,\"ok\":true,\"none\":null,\"list\":[1,\"a\"]}");
    }

    @Test
    void stringsAreEscapedSoANodesErrorTextCannotBreakThePage() {
        assertThat(Json.write("say \"hi\"\\\n<script>&\u0001"))
                .isEqualTo("\"say \\\"hi\\\"\\\\\\n\\u003cscript\\u003e\\u0026\\u0001\"");
    }

    @Test
    void aNumberThatIsNotFiniteIsNull() {
        assertThat(Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY))).isEqualTo("[null,null]");
    }

    @Test
    void anUnknownTypeIsRefused() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no JSON form for java.lang.Object");
    }
}
