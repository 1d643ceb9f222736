package dev.pledge.chaos.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * One node (a JVM running {@code mainClass}) in its own container on a user-defined network, with
 * its data directory bind-mounted from the host so it survives SIGKILL and restart. The container
 * is restarted in place, so its network alias and data stay and only the mapped port changes.
 */
public final class JavaNodeContainer implements AutoCloseable {
    public static final int PORT = 7000;
    public static final String DATA_DIR = "/data";
    /**
     * Where each node finds its DNS cache policy. A peer that restarts or reconnects may get a new IP:
     * the JVM must neither keep calling the old one (30 s by default) nor keep believing for 10 s
     * (java.security's negative TTL, which only a security properties file overrides) that a
     * disconnected peer does not exist.
     */
    private static final String DNS_POLICY = "/etc/pledge-dns.security";
    private static volatile Path dnsPolicyFile;

    private final DockerClient docker;
    private final String name;
    private final String id;
    private final Path logFile;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile ResultCallback.Adapter<Frame> logFollower;

    private JavaNodeContainer(DockerClient docker, String name, String id, Path logFile) {
        this.docker = docker;
        this.name = name;
        this.id = id;
        this.logFile = logFile;
    }

    /** Creates and starts the container; {@code name} is also its alias on {@code networkName}. */
    public static JavaNodeContainer start(DockerClient docker, String networkName, String name, Path hostDataDir,
                                          Path logFile, String mainClass, List<String> args) {
        return start(docker, networkName, name, hostDataDir, logFile, mainClass, args, Map.of());
    }

    /** As above, with {@code readOnly} host directories (e.g. certificates) mounted read-only at the container paths they map to. */
    public static JavaNodeContainer start(DockerClient docker, String networkName, String name, Path hostDataDir,
                                          Path logFile, String mainClass, List<String> args, Map<Path, String> readOnly) {
        String image = HostJavaImage.ensure();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=/tmp",
                "-Djava.security.properties=" + DNS_POLICY,
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        ExposedPort port = ExposedPort.tcp(PORT);
        Ports bindings = new Ports();
        bindings.bind(port, Ports.Binding.bindIp("127.0.0.1"));
        HostConfig host = HostConfig.newHostConfig()
                .withBinds(binds(hostDataDir, readOnly))
                .withTmpFs(Map.of("/tmp", "rw,exec,size=256m"))
                .withNetworkMode(networkName)
                .withPortBindings(bindings)
                .withCapAdd(Capability.NET_ADMIN);
        String id = docker.createContainerCmd(image)
                .withName("pledge-" + name + "-" + Long.toHexString(System.nanoTime()))
                .withHostName(name)
                .withAliases(name)
                .withCmd(command)
                .withExposedPorts(port)
                .withHostConfig(host)
                .exec().getId();
        JavaNodeContainer node = new JavaNodeContainer(docker, name, id, logFile);
        node.startAndFollow();
        return node;
    }

    private static List<Bind> binds(Path hostDataDir, Map<Path, String> readOnly) {
        Set<String> paths = new LinkedHashSet<>();
        paths.add(System.getProperty("java.home"));
        paths.add("/lib");
        paths.add("/lib64");
        paths.add("/usr/lib");
        paths.add("/etc/java-17-openjdk");
        paths.add("/usr/sbin");
        paths.add("/etc/alternatives");
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) paths.add(Path.of(entry).toAbsolutePath().toString());
        }
        List<Bind> binds = new ArrayList<>();
        for (String p : paths) {
            if (Files.exists(Path.of(p))) binds.add(Bind.parse(p + ":" + p + ":ro"));
        }
        binds.add(new Bind(hostDataDir.toAbsolutePath().toString(), new Volume(DATA_DIR)));
        readOnly.forEach((host, inside) -> binds.add(Bind.parse(host.toAbsolutePath() + ":" + inside + ":ro")));
        binds.add(Bind.parse(dnsPolicyFile() + ":" + DNS_POLICY + ":ro"));
        return binds;
    }

    private static synchronized Path dnsPolicyFile() {
        if (dnsPolicyFile == null) {
            try {
                Path f = Files.createTempFile("pledge-dns", ".security");
                Files.writeString(f, "networkaddress.cache.ttl=1\nnetworkaddress.cache.negative.ttl=0\n");
                f.toFile().deleteOnExit();
                dnsPolicyFile = f;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dnsPolicyFile;
    }

    private void startAndFollow() {
        lines.clear();
        docker.startContainerCmd(id).exec();
        ResultCallback.Adapter<Frame> follower = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                String text = new String(frame.getPayload(), StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    if (!line.isEmpty()) lines.add(line);
                }
                try {
                    Files.writeString(logFile, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void onError(Throwable error) {
                // The stream ends when the process is killed; that is the point, not a failure.
            }
        };
        logFollower = docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                .withSince((int) (System.currentTimeMillis() / 1000) - 1).exec(follower);
    }

    /** Waits for a line of this incarnation's output matching {@code pattern}. */
    public String awaitLine(Pattern pattern, Duration timeout) {
        String[] found = new String[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (String line : lines) {
                if (pattern.matcher(line).find()) {
                    found[0] = line;
                    return true;
                }
            }
            if (!running()) throw new IllegalStateException(name + " exited; output:\n" + String.join("\n", lines));
            return false;
        });
        return found[0];
    }

    public boolean running() {
        InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
        return Boolean.TRUE.equals(state.getRunning());
    }

    /** The host port mapped to {@link #PORT}: read afresh, since a restart maps a new one. */
    public int mappedPort() {
        Ports.Binding[] b = docker.inspectContainerCmd(id).exec().getNetworkSettings().getPorts()
                .getBindings().get(ExposedPort.tcp(PORT));
        if (b == null || b.length == 0) throw new IllegalStateException(name + " has no mapped port (not running?)");
        return Integer.parseInt(b[0].getHostPortSpec());
    }

    /** This container's address on {@code networkName}, read afresh (a reconnect may change it); null if not attached. */
    public String ipAddress(String networkName) {
        var networks = docker.inspectContainerCmd(id).exec().getNetworkSettings().getNetworks();
        var network = networks == null ? null : networks.get(networkName);
        String ip = network == null ? null : network.getIpAddress();
        return ip == null || ip.isEmpty() ? null : ip;
    }

    /** SIGKILL the node's JVM (the container's init process) and start it again on the same data. */
    public void killAndRestart() {
        kill();
        restart();
    }

    public void kill() {
        closeFollower();
        docker.killContainerCmd(id).withSignal("KILL").exec();
        await().atMost(Duration.ofSeconds(30)).until(() -> !running());
    }

    public void restart() {
        startAndFollow();
    }

    public void pause() {
        docker.pauseContainerCmd(id).exec();
    }

    public void unpause() {
        docker.unpauseContainerCmd(id).exec();
    }

    public void disconnect(String networkName) {
        docker.disconnectFromNetworkCmd().withNetworkId(networkName).withContainerId(id).withForce(true).exec();
    }

    public void connect(String networkName) {
        docker.connectToNetworkCmd().withNetworkId(networkName).withContainerId(id)
                .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork().withAliases(name)).exec();
    }

    /** Runs a command inside the container (e.g. iptables), returning its output; fails on a non-zero exit. */
    public String exec(String... command) {
        ExecCreateCmdResponse exec = docker.execCreateCmd(id).withCmd(command).withAttachStdout(true).withAttachStderr(true).exec();
        StringBuilder out = new StringBuilder();
        try {
            docker.execStartCmd(exec.getId()).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Long code = docker.inspectExecCmd(exec.getId()).exec().getExitCodeLong();
        if (code == null || code != 0) {
            throw new IllegalStateException(name + ": `" + String.join(" ", command) + "` exited " + code + ": " + out);
        }
        return out.toString();
    }

    public String name() {
        return name;
    }

    public String output() {
        return String.join("\n", lines);
    }

    private void closeFollower() {
        ResultCallback.Adapter<Frame> f = logFollower;
        if (f != null) {
            try {
                f.close();
            } catch (IOException e) {
                // The log stream is already gone with the process.
            }
        }
    }

    @Override
    public void close() {
        closeFollower();
        try {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (RuntimeException e) {
            // Already gone.
        }
    }
}
