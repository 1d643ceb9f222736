package dev.pledge.chaos.proxy;

import dev.pledge.rpc.Endpoint;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A TCP proxy that understands Thrift's framed transport: it reads whole frames (4-byte length,
 * then the message) in each direction and lets a {@link FaultPlan} delay, duplicate, reorder or
 * corrupt them. With {@link FaultPlan#none()} it is a plain forwarder whose target may change, which
 * is how a test reaches a container whose mapped port moves after a restart.
 *
 * <p>A duplicated request is replayed on a side connection and its reply thrown away: the server
 * sees the call twice, as after a retransmitted or replayed request, while the caller's stream stays
 * one reply per call, as TCP guarantees.
 */
public final class FrameProxy implements AutoCloseable {
    /** Real nodes never send more (their frame limit); anything larger is passed through unparsed. */
    static final int FRAME_BYTES_MAX = 16 * 1024 * 1024;
    private static final int CONNECTIONS_MAX = 512;
    private static final long REORDER_CAP_MS = 1_000;
    private static final int REPLAYS_QUEUED_MAX = 64;
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int REPLAY_READ_TIMEOUT_MS = 5_000;

    private final String name;
    private final Supplier<InetSocketAddress> target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<Direction, Overtaking> overtaking = new EnumMap<>(Direction.class);
    private final ProxyCounters counters = new ProxyCounters();
    private final ThreadPoolExecutor replays;
    private volatile FaultPlan plan;
    private volatile boolean closed;

    private FrameProxy(String name, Supplier<InetSocketAddress> target, FaultPlan plan, ServerSocket server) {
        this.name = name;
        this.target = target;
        this.plan = plan;
        this.server = server;
        for (Direction d : Direction.values()) overtaking.put(d, new Overtaking());
        this.replays = new ThreadPoolExecutor(1, 4, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(REPLAYS_QUEUED_MAX),
                r -> daemon(r, name + "-replay"));
    }

    /** Listens on a free loopback port and forwards every connection to {@code target.get()} at accept time. */
    public static FrameProxy start(String name, Supplier<InetSocketAddress> target, FaultPlan plan) throws IOException {
        ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        FrameProxy proxy = new FrameProxy(name, target, plan, server);
        daemon(proxy::acceptLoop, name + "-accept").start();
        return proxy;
    }

    public static FrameProxy to(String name, Endpoint target, FaultPlan plan) throws IOException {
        InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
        return start(name, () -> address, plan);
    }

    public int port() {
        return server.getLocalPort();
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", port());
    }

    /** Replaces the plan for every frame from now on (e.g. {@link FaultPlan#none()} to heal). */
    public void plan(FaultPlan next) {
        this.plan = next;
    }

    public ProxyCounters counters() {
        return counters;
    }

    /** Cuts every open connection (both sides see a reset or EOF); new ones are accepted as before. */
    public void dropConnections() {
        open.forEach(FrameProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (open.size() >= CONNECTIONS_MAX) {
                counters.refused();
                closeQuietly(client);
                continue;
            }
            counters.connection();
            daemon(() -> connect(client), name + "-connect").start();
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        open.add(client);
        open.add(upstream);
        try {
            upstream.connect(target.get(), CONNECT_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException | RuntimeException e) {
            close(client, upstream);
            return;
        }
        daemon(() -> pump(Direction.REQUEST, client, upstream), name + "-req").start();
        pump(Direction.REPLY, upstream, client);
    }

    private void pump(Direction direction, Socket from, Socket to) {
        try (DataInputStream in = new DataInputStream(from.getInputStream())) {
            OutputStream out = to.getOutputStream();
            while (true) {
                int length = in.readInt();
                if (length < 0 || length > FRAME_BYTES_MAX) {
                    out.write(ByteBuffer.allocate(4).putInt(length).array());
                    passRaw(in, out);
                    return;
                }
                forward(direction, in.readNBytes(length), length, out);
            }
        } catch (EOFException e) {
            // The sender closed between frames: the normal end of a connection.
        } catch (IOException e) {
            // Reset, or we closed it: either way this connection is over.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(from, to);
        }
    }

    private void forward(Direction direction, byte[] payload, int length, OutputStream out)
            throws IOException, InterruptedException {
        if (payload.length < length) throw new EOFException("frame cut short");
        FrameAction action = plan.decide(direction, Corruption.methodName(payload));
        counters.count(action.kind());
        Overtaking order = overtaking.get(direction);
        switch (action.kind()) {
            case DELAY -> Thread.sleep(action.delayMs()); // the fault itself: this frame arrives late
            case REORDER -> order.awaitOvertaken(order.mark(), REORDER_CAP_MS);
            case DUPLICATE -> replay(payload);
            default -> { }
        }
        byte[] wire = action.kind() == FrameAction.Kind.CORRUPT ? action.corruption().apply(payload) : framed(payload);
        out.write(wire);
        out.flush();
        order.forwardedOne();
    }

    /** Sends {@code payload} again on a fresh connection and discards whatever comes back. */
    private void replay(byte[] payload) {
        try {
            replays.execute(() -> {
                try (Socket s = new Socket()) {
                    s.connect(target.get(), CONNECT_TIMEOUT_MS);
                    s.setSoTimeout(REPLAY_READ_TIMEOUT_MS);
                    s.getOutputStream().write(framed(payload));
                    s.getOutputStream().flush();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    int len = in.readInt();
                    if (len >= 0 && len <= FRAME_BYTES_MAX) in.readNBytes(len);
                } catch (IOException | RuntimeException e) {
                    // The copy was lost on its way, which a duplicate may be.
                }
            });
        } catch (RejectedExecutionException e) {
            counters.replayDropped();
        }
    }

    private static byte[] framed(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    private static void passRaw(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }

    private void close(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Already closed.
        }
        dropConnections();
        replays.shutdownNow();
    }

    @Override
    public String toString() {
        return name + " :" + port() + " " + counters;
    }
}
