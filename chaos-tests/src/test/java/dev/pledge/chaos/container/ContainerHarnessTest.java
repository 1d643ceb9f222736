package dev.pledge.chaos.container;

import com.github.dockerjava.api.DockerClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The container harness itself does what the chaos suite relies on: every fault is real. */
class ContainerHarnessTest {
    private static final Pattern READY = Pattern.compile("listening on");

    private DockerClient docker;
    private String network;
    private JavaNodeContainer a;
    private JavaNodeContainer b;

    @BeforeEach
    void startTwoNodes(@TempDir Path tmp) throws IOException {
        docker = DockerSupport.requireDocker();
        network = docker.createNetworkCmd().withName("pledge-harness-" + Long.toHexString(System.nanoTime())).exec().getId();
        a = JavaNodeContainer.start(docker, network, "node-a", Files.createDirectories(tmp.resolve("a")), tmp.resolve("a.log"),
                EchoMain.class.getName(), List.of());
        b = JavaNodeContainer.start(docker, network, "node-b", Files.createDirectories(tmp.resolve("b")), tmp.resolve("b.log"),
                EchoMain.class.getName(), List.of());
        a.awaitLine(READY, Duration.ofSeconds(60));
        b.awaitLine(READY, Duration.ofSeconds(60));
    }

    @AfterEach
    void removeAll() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (network != null) docker.removeNetworkCmd(network).exec();
    }

    @Test
    void nodesReachEachOtherByAliasAndTheTestReachesThemByMappedPort() throws IOException {
        assertThat(ask(a, "ECHO hi")).isEqualTo("hi");
        assertThat(ask(a, "PEER node-b")).isEqualTo("pong");
    }

    @Test
    void killNineAndRestartKeepsTheDataAndMapsAFreshPort() throws IOException {
        assertThat(ask(a, "BUMP")).isEqualTo("1");
        a.killAndRestart();
        a.awaitLine(READY, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> ask(a, "BUMP").equals("2"));
    }

    @Test
    void pausedNodeDoesNotAnswerUntilUnpaused() throws IOException {
        a.pause();
        assertThat(ask(b, "PEER node-a")).startsWith("ERR");
        a.unpause();
        assertThat(ask(b, "PEER node-a")).isEqualTo("pong");
    }

    @Test
    void disconnectedNodeIsPartitionedUntilReconnected() throws IOException {
        a.disconnect(network);
        assertThat(ask(b, "PEER node-a")).startsWith("ERR");
        a.connect(network);
        await().atMost(Duration.ofSeconds(10)).until(() -> ask(b, "PEER node-a").equals("pong"));
    }

    @Test
    void iptablesInsideTheContainerDropsPackets() throws IOException {
        a.exec("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "7000", "-s", "0.0.0.0/0", "-i", "eth0",
                "-m", "statistic", "--mode", "random", "--probability", "1.0", "-j", "DROP");
        assertThat(ask(b, "PEER node-a")).startsWith("ERR");
        a.exec("iptables", "-F", "INPUT");
        assertThat(ask(b, "PEER node-a")).isEqualTo("pong");
    }

    private static String ask(JavaNodeContainer node, String line) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", node.mappedPort()), 2000);
            s.setSoTimeout(5000);
            new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8).println(line);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }
}
