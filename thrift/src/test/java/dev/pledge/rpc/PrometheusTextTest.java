package dev.pledge.rpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {
    private static PrometheusMeterRegistry registry(String node, double retries) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        r.config().commonTags("node", node);
        Counter.builder("pledge_rpc_retries").description("retries").tag("service", "Participant").register(r).increment(retries);
        return r;
    }

    @Test
    void twoRegistriesWithTheSameFamilyBecomeOnePageWithEachFamilyDeclaredOnce() {
        PrometheusMeterRegistry a = registry("coord-m1", 2);
        PrometheusMeterRegistry b = registry("course-c", 3);
        Gauge.builder("pledge_shard_term", () -> 4).description("term").tag("shard", "course-c").register(b);

        String page = PrometheusText.merge(Arrays.asList(a.scrape(), null, b.scrape()));

        assertThat(page.lines().filter(l -> l.startsWith("# TYPE pledge_rpc_retries_total"))).hasSize(1);
        assertThat(page.lines().filter(l -> l.startsWith("# HELP pledge_rpc_retries_total"))).hasSize(1);
        assertThat(page).contains("pledge_rpc_retries_total{node=\"coord-m1\",service=\"Participant\"} 2.0")
                .contains("pledge_rpc_retries_total{node=\"course-c\",service=\"Participant\"} 3.0")
                .contains("pledge_shard_term{node=\"course-c\",shard=\"course-c\"} 4.0");
        // Every sample follows its own family's declaration, none another's.
        String family = null;
        for (String line : page.lines().toList()) {
            if (line.startsWith("# TYPE ")) family = line.split(" ")[2];
            else if (!line.startsWith("#")) assertThat(line).as("sample under family %s", family).startsWith(family);
        }
    }

    @Test
    void aFamilyDeclaredWithAnotherTypeElsewhereKeepsOnlyTheFirstDeclaration() {
        String first = "# HELP x help\n# TYPE x counter\nx{node=\"a\"} 1.0\n";
        String second = "# HELP x other\n# TYPE x gauge\nx{node=\"b\"} 7.0\n# HELP y y\n# TYPE y gauge\ny{node=\"b\"} 1.0\n";

        String page = PrometheusText.merge(List.of(first, second));

        assertThat(page).isEqualTo("# HELP x help\n# TYPE x counter\nx{node=\"a\"} 1.0\n# HELP y y\n# TYPE y gauge\ny{node=\"b\"} 1.0\n");
    }
}
