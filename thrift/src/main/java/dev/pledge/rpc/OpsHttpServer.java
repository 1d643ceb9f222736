package dev.pledge.rpc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A node's operator endpoints over plain HTTP (the JDK's server, no extra dependency):
 * {@code GET /metrics} answers Prometheus text, {@code GET /health} answers 200 or 503 with a JSON
 * body. Two threads and a small backlog: scrapes are rare and must never compete with the protocol.
 */
public final class OpsHttpServer implements AutoCloseable {
    private static final int THREADS = 2;
    private static final int QUEUE_MAX = 64;
    private static final int BACKLOG = 16;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** What /health says: healthy or not, and why (shown either way). */
    public record Health(boolean ok, String reason) {}

    private final HttpServer server;
    private final ExecutorService pool;

    private OpsHttpServer(HttpServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    /** Binds {@code listen} (port 0 = any free port) and serves until {@link #close}. */
    public static OpsHttpServer start(String nodeId, Endpoint listen, Supplier<String> metrics, Supplier<Health> health)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), BACKLOG);
        ExecutorService pool = new java.util.concurrent.ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(QUEUE_MAX), r -> {
                    Thread t = new Thread(r, nodeId + "-ops-http");
                    t.setDaemon(true);
                    return t;
                }, new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
        server.setExecutor(pool);
        server.createContext("/metrics", ex -> answer(ex, 200, PROMETHEUS_TEXT, metrics.get()));
        server.createContext("/health", ex -> {
            Health h = health.get();
            answer(ex, h.ok() ? 200 : 503, "application/json",
                    "{\"node\":\"" + json(nodeId) + "\",\"status\":\"" + (h.ok() ? "UP" : "DOWN") + "\",\"reason\":\""
                            + json(h.reason()) + "\"}\n");
        });
        server.start();
        return new OpsHttpServer(server, pool);
    }

    private static void answer(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String json(String s) {
        if (s == null) return "";
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
