package dev.pledge.demo.launch;

import dev.pledge.process.ParentWatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Pledge node running as its own OS process: a fresh JVM on a given class path, output appended
 * to a log file and scanned line by line, so callers can wait for "listening on", a failpoint, and
 * so on. It can be killed with SIGKILL, frozen with SIGSTOP and restarted on the same data. The
 * child exits by itself if this JVM dies (see {@link ParentWatch}).
 */
public final class NodeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^\\s:]+:(\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics on (http://\\S+)");
    private static final int LINES_KEPT_MAX = 20_000;

    private final String name;
    private final Process process;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private boolean outputEnded;
    private int port = -1;
    private volatile String metricsUrl;
    private volatile boolean paused;

    private NodeProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code mainClass} with {@code args} and waits until it prints "listening on host:port".
     * {@code onLine} sees every output line (e.g. to echo it); it may be null.
     */
    public static NodeProcess start(String name, String classPath, String mainClass, List<String> jvmOptions,
                                    List<String> args, Path logFile, Consumer<String> onLine, Duration startTimeout) {
        return start(name, List.of(), classPath, mainClass, jvmOptions, args, logFile, onLine, startTimeout);
    }

    /**
     * As the other start, with {@code launcher} before the java command: a program that sets
     * something up and execs the rest in the same process (e.g. {@code setpriv --regid N}).
     */
    public static NodeProcess start(String name, List<String> launcher, String classPath, String mainClass, List<String> jvmOptions,
                                    List<String> args, Path logFile, Consumer<String> onLine, Duration startTimeout) {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-D" + ParentWatch.PROPERTY + "=true");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        NodeProcess node = new NodeProcess(name, p);
        Thread pump = new Thread(() -> node.pumpOutput(logFile, onLine), name + "-output");
        pump.setDaemon(true);
        pump.start();
        node.awaitLine(LISTENING, startTimeout);
        return node;
    }

    /** This JVM's own class path: what every module of Pledge needs to run any node. */
    public static String ownClassPath() {
        return System.getProperty("java.class.path");
    }

    private void pumpOutput(Path logFile, Consumer<String> onLine) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.println(line);
                if (onLine != null) onLine.accept(line);
                record(line);
            }
        } catch (IOException e) {
            // The process died; its output ends here.
        } finally {
            lock.lock();
            try {
                outputEnded = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void record(String line) {
        lock.lock();
        try {
            if (lines.size() == LINES_KEPT_MAX) lines.remove(0);
            lines.add(line);
            Matcher m = LISTENING.matcher(line);
            if (port < 0 && m.find()) port = Integer.parseInt(m.group(1));
            Matcher metrics = METRICS.matcher(line);
            if (metricsUrl == null && metrics.find()) metricsUrl = metrics.group(1);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a line matching {@code pattern} appears; fails with the output if the node exits first. */
    public String awaitLine(Pattern pattern, Duration timeout) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (pattern.matcher(lines.get(checked)).find()) return lines.get(checked);
                }
                if (outputEnded) {
                    throw new IllegalStateException(name + " exited before printing /" + pattern + "/; output:\n" + String.join("\n", lines));
                }
                long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0) {
                    throw new IllegalStateException(name + " did not print /" + pattern + "/ within " + timeout + "; output:\n" + String.join("\n", lines));
                }
                changed.awaitNanos(leftNs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        } finally {
            lock.unlock();
        }
    }

    public boolean printed(Pattern pattern) {
        lock.lock();
        try {
            return lines.stream().anyMatch(l -> pattern.matcher(l).find());
        } finally {
            lock.unlock();
        }
    }

    public String output() {
        lock.lock();
        try {
            return String.join("\n", lines);
        } finally {
            lock.unlock();
        }
    }

    public int port() {
        lock.lock();
        try {
            return port;
        } finally {
            lock.unlock();
        }
    }

    /** Where the node serves /metrics, once it has said so; null before, or if it serves none. */
    public String metricsUrl() {
        return metricsUrl;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hooks, no flushes; what was not synced is lost, as in a power cut. */
    public void kill9() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(name + " survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@link #stop}, then waits up to {@code exitMax} for every process it started to exit too: a
     * launcher's nodes shut down on their own once it is gone ({@link ParentWatch}), closing their
     * stores, and a caller about to delete their directories must wait for that. The processes are
     * taken before the stop (after it they belong to init). Returns the ones still running (none: empty).
     */
    public List<ProcessHandle> stopWithDescendants(Duration grace, Duration exitMax) {
        List<ProcessHandle> started = process.toHandle().descendants().toList();
        stop(grace);
        try {
            CompletableFuture.allOf(started.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(exitMax.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // reported below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return started.stream().filter(ProcessHandle::isAlive).toList();
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) kill9();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill9();
        }
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing, as a hung machine would. */
    public void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        signal("CONT");
        paused = false;
    }

    /** Whether it was frozen with {@link #pause} and not resumed since. */
    public boolean paused() {
        return paused && process.isAlive();
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + signal + " " + name + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (process.waitFor(200, TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            kill9();
        }
    }
}
