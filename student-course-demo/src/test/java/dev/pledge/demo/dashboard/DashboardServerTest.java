package dev.pledge.demo.dashboard;

import dev.pledge.demo.client.LiveStats;
import dev.pledge.demo.launch.DemoCluster;
import dev.pledge.demo.launch.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The dashboard's HTTP side over a defined cluster whose nodes were never started. */
class DashboardServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> actions = new CopyOnWriteArrayList<>();
    private final DemoFeed feed = new DemoFeed();
    private ClusterWatch watch;
    private DashboardServer server;

    @BeforeEach
    void start(@TempDir Path root) {
        LocalCluster cluster = DemoCluster.define(root, "127.0.0.1", 0, null);
        watch = new ClusterWatch(cluster).start();
        server = new DashboardServer("127.0.0.1", 0, cluster, watch, feed, () -> "CLEAN (test)", actions::add);
    }

    @AfterEach
    void stop() {
        server.close();
        watch.close();
    }

    private HttpResponse<String> send(String method, String path, boolean header) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (header) b.header(DashboardServer.ACTION_HEADER, "1");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theStateIsJsonWithTheDemosIntervalsAndEveryNode() throws Exception {
        feed.interval(1_000, new LiveStats.Interval(12, 40, 1, 2, Map.of("COURSE_FULL", 1L), 0, 0, 3.5, 9.0,
                4.0, 0.5, 2.5, 1.0, 1, Map.of("LOCK_TIMEOUT", 1L), 6.0));

        await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/state", false).body(), b -> b.contains("course-c"));
        HttpResponse<String> r = send("GET", "/api/state", false);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.body()).contains("\"txPerS\":12.000", "\"committed\":40", "\"reasons\":{\"COURSE_FULL\":1}",
                "\"retries\":{\"LOCK_TIMEOUT\":1}", "\"operationsMs\":2.500", "\"lockWaitsPerS\":6.000");
        for (String node : List.of("coordinator", "student-a", "student-b", "course-c")) {
            assertThat(r.body()).contains("\"name\":\"" + node + "\"");
        }
        assertThat(r.body()).doesNotContain("\"state\":\"up\"").contains("\"state\":\"down\"");
    }

    @Test
    void thePageAndItsScriptAreServed() throws Exception {
        assertThat(send("GET", "/", false).body()).contains("<title>Pledge demo cluster</title>", "dashboard.js");
        assertThat(send("GET", "/dashboard.js", false).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/nothing", false).statusCode()).isEqualTo(404);
    }

    @Test
    void anActionWithoutTheDashboardHeaderIsRefusedAndDoesNothing() throws Exception {
        HttpResponse<String> r = send("POST", "/api/nodes/course-c/kill", false);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains(DashboardServer.ACTION_HEADER);
        assertThat(actions).isEmpty();
    }

    @Test
    void actionsAreOnlyPosts() throws Exception {
        assertThat(send("GET", "/api/nodes/course-c/kill", true).statusCode()).isEqualTo(405);
        assertThat(send("GET", "/api/audit", true).statusCode()).isEqualTo(405);
        assertThat(actions).isEmpty();
    }

    @Test
    void anUnknownNodeOrActionIsAClearError() throws Exception {
        HttpResponse<String> node = send("POST", "/api/nodes/course-z/kill", true);
        HttpResponse<String> action = send("POST", "/api/nodes/course-c/explode", true);

        assertThat(node.statusCode()).isEqualTo(404);
        assertThat(node.body()).contains("no node course-z", "course-c");
        assertThat(action.statusCode()).isEqualTo(400);
        assertThat(action.body()).contains("no action 'explode'", "kill", "restart");
        assertThat(actions).isEmpty();
    }

    @Test
    void killingANodeThatIsNotRunningSaysSo() throws Exception {
        HttpResponse<String> r = send("POST", "/api/nodes/course-c/kill", true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("course-c is not running");
        assertThat(actions).containsExactly("dashboard: course-c is not running");
    }

    @Test
    void theAuditButtonRunsTheDemosAudit() throws Exception {
        HttpResponse<String> r = send("POST", "/api/audit", true);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"audit\":\"CLEAN (test)\"}");
    }

    @Test
    void aFailingAuditIsAnsweredWithItsErrorNotADroppedConnection(@TempDir Path root) throws Exception {
        LocalCluster other = DemoCluster.define(root, "127.0.0.1", 0, null);
        try (DashboardServer failing = new DashboardServer("127.0.0.1", 0, other, watch, feed, () -> {
            throw new IllegalStateException("no client yet");
        }, a -> { })) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + failing.port() + "/api/audit"))
                    .header(DashboardServer.ACTION_HEADER, "1").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("IllegalStateException: no client yet");
        }
    }

    @Test
    void aPortInUseIsAClearError(@TempDir Path root) {
        LocalCluster other = DemoCluster.define(root, "127.0.0.1", 0, null);

        assertThatThrownBy(() -> new DashboardServer("127.0.0.1", server.port(), other, watch, feed, () -> "", a -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("--dashboard-port");
    }
}
