package dev.pledge.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A Pledge node running as its own OS process (a fresh JVM on this test's class path), so tests
 * can kill it with SIGKILL and restart it on the same data. Output goes to a log file and is
 * scanned line by line, so a test can wait for "listening on", "FAILPOINT ... reached" and so on.
 */
final class NodeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^\\s:]+:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int LINES_KEPT_MAX = 10_000;

    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread pump;
    private volatile int port = -1;

    private NodeProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.pump = new Thread(() -> pumpOutput(logFile), name + "-output");
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /** Starts {@code mainClass} with {@code args} plus JVM system properties, and waits until it listens. */
    static NodeProcess start(String name, String mainClass, List<String> jvmProperties, List<String> args, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmProperties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            NodeProcess node = new NodeProcess(name, p, logFile);
            node.awaitLine(LISTENING, START_TIMEOUT);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    private void pumpOutput(Path logFile) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (lines.size() < LINES_KEPT_MAX) lines.add(line);
                Matcher m = LISTENING.matcher(line);
                if (port < 0 && m.find()) port = Integer.parseInt(m.group(1));
            }
        } catch (IOException e) {
            // The process died; its output ends here.
        }
    }

    /** Waits until a line matching {@code pattern} appears; fails with the node's output if it exits first. */
    String awaitLine(Pattern pattern, Duration timeout) {
        String[] found = new String[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (String line : lines) {
                if (pattern.matcher(line).find()) {
                    found[0] = line;
                    return true;
                }
            }
            if (!process.isAlive() && !pump.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                        + " before printing /" + pattern + "/; output:\n" + String.join("\n", lines));
            }
            return false;
        });
        return found[0];
    }

    boolean printed(Pattern pattern) {
        return lines.stream().anyMatch(l -> pattern.matcher(l).find());
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hooks, no flushes; whatever was not synced is the OS's business. */
    void kill9() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(name + " survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        if (process.isAlive()) kill9();
    }
}
