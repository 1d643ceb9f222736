package dev.pledge.demo.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pledge.demo.launch.ProcessCluster;
import dev.pledge.demo.launch.NodeProcess;
import dev.pledge.runtime.Threads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The demo's web dashboard on the JDK's HTTP server: the page and its script, the state as JSON
 * ({@code GET /api/state}: the demo's feed and the nodes' latest answers), and the operator's
 * buttons ({@code POST /api/nodes/NAME/ACTION}, {@code POST /api/audit}), which act on the real
 * node processes the demo launched. A POST must carry the {@value #ACTION_HEADER} header, which a
 * page from another site cannot add without the browser asking first, so a link elsewhere cannot
 * kill a node.
 */
public final class DashboardServer implements AutoCloseable {
    /** The port `demo up` serves the dashboard on unless told otherwise. */
    public static final int PORT_DEFAULT = 7780;
    public static final String ACTION_HEADER = "X-Pledge-Dashboard";
    /** Requests served at once; the page polls once a second, so a few are plenty. */
    private static final int HTTP_THREADS = 4;
    /** Requests waiting for a thread; past that the connection is closed. */
    private static final int HTTP_QUEUE_MAX = 32;
    private static final List<String> ACTIONS = List.of("kill", "stop", "continue", "restart");
    private static final Map<String, String> FILES = Map.of(
            "/", "dashboard/index.html", "/dashboard.js", "dashboard/dashboard.js");

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final ProcessCluster cluster;
    private final ClusterWatch watch;
    private final DemoFeed feed;
    private final Supplier<String> audit;
    private final Consumer<String> onAction;
    /** One operator action at a time: two restarts of one node must not race. */
    private final Object actions = new Object();

    /**
     * Binds {@code host:port} (port 0: a free one). {@code audit} runs an audit and says how it came
     * out; {@code onAction} hears each action taken, in words, for the live line.
     */
    public DashboardServer(String host, int port, ProcessCluster cluster, ClusterWatch watch, DemoFeed feed,
                           Supplier<String> audit, Consumer<String> onAction) {
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("dashboard port must be in [0, 65535], was " + port);
        this.cluster = cluster;
        this.watch = watch;
        this.feed = feed;
        this.audit = audit;
        this.onAction = onAction;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the dashboard on " + host + ":" + port + " (" + e.getMessage()
                    + "): pick another port with --dashboard-port, or -1 for none", e);
        }
        pool = Threads.boundedPool("dashboard-http", HTTP_THREADS, HTTP_QUEUE_MAX);
        server.setExecutor(pool);
        server.createContext("/", this::serve);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange x) throws IOException {
        try (x) {
            try {
                route(x);
            } catch (RuntimeException e) {
                reply(x, 500, "text/plain", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private void route(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String method = x.getRequestMethod();
        if (FILES.containsKey(path)) {
            if (!method.equals("GET")) reply(x, 405, "text/plain", "GET only");
            else file(x, FILES.get(path));
        } else if (path.equals("/api/state")) {
            if (!method.equals("GET")) reply(x, 405, "text/plain", "GET only");
            else reply(x, 200, "application/json", Json.write(state()));
        } else if (path.equals("/api/audit") || path.startsWith("/api/nodes/")) {
            if (!method.equals("POST")) reply(x, 405, "text/plain", "POST only");
            else if (x.getRequestHeaders().getFirst(ACTION_HEADER) == null) reply(x, 403, "text/plain", "missing header " + ACTION_HEADER);
            else if (path.equals("/api/audit")) reply(x, 200, "application/json", Json.write(Map.of("audit", audit.get())));
            else nodeAction(x, path.substring("/api/nodes/".length()));
        } else {
            reply(x, 404, "text/plain", "no such page: " + path);
        }
    }

    private Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nowMs", System.currentTimeMillis());
        m.put("demo", feed.toMap());
        m.put("nodes", watch.nodes());
        return m;
    }

    /** {@code rest} is "NAME/ACTION". */
    private void nodeAction(HttpExchange x, String rest) throws IOException {
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        if (!cluster.nodeNames().contains(name)) {
            reply(x, 404, "text/plain", "no node " + name + " (have " + cluster.nodeNames() + ")");
            return;
        }
        if (!ACTIONS.contains(action)) {
            reply(x, 400, "text/plain", "no action '" + action + "' (have " + ACTIONS + ")");
            return;
        }
        String done = act(name, action);
        onAction.accept("dashboard: " + done);
        reply(x, 200, "application/json", Json.write(Map.of("node", name, "action", action, "done", done)));
    }

    private String act(String name, String action) {
        synchronized (actions) {
            NodeProcess node = cluster.node(name);
            boolean alive = node != null && node.alive();
            switch (action) {
                case "kill" -> {
                    if (!alive) return name + " is not running";
                    node.kill9();
                    return "SIGKILL " + name;
                }
                case "stop" -> {
                    if (!alive) return name + " is not running";
                    node.pause();
                    return "SIGSTOP " + name;
                }
                case "continue" -> {
                    if (!alive || !node.paused()) return name + " is not stopped";
                    node.resume();
                    return "SIGCONT " + name;
                }
                default -> {
                    watch.busy(name, true);
                    try {
                        cluster.start(name);
                    } finally {
                        watch.busy(name, false);
                    }
                    return (alive ? "restarted " : "started ") + name + " on its data";
                }
            }
        }
    }

    private static void file(HttpExchange x, String resource) throws IOException {
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new UncheckedIOException(new IOException("resource " + resource + " is missing from the jar"));
            String type = resource.endsWith(".js") ? "text/javascript" : "text/html";
            reply(x, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
