package dev.pledge.demo.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.demo.certs.CertsCommand;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.Endpoint;
import dev.pledge.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pledge admin ... --tls} against a real participant serving TLS: the command presents the
 * certificate {@code --as} names; an operator's forces past authorization without any token, a
 * client's is refused, and without --tls the node cannot be reached at all.
 */
class AdminTlsCommandTest {
    @TempDir
    Path dir;

    private Path certs;
    private ParticipantNode node;
    private final ResolveRun run = new ResolveRun();

    @BeforeEach
    void start() throws Exception {
        certs = dir.resolve("certs");
        CertsCommand.make(certs, List.of(), List.of("A"), List.of("alice"), List.of("app"));
        node = new ParticipantNode(ParticipantConfig.defaults("A", new Endpoint("127.0.0.1", 0),
                Files.createDirectories(dir.resolve("data")), new Endpoint("127.0.0.1", 1))
                .withTls(TlsFiles.inDirectory(certs, "A"))).start();
    }

    @AfterEach
    void stop() {
        if (node != null) node.stop();
    }

    @Test
    void anOperatorCertificateGetsResolvePastAuthorizationWithoutAToken() {
        int exit = resolve("--tls", "--certs", certs.toString(), "--as", "alice", "--token-file", dir.resolve("none").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(stderr()).contains("unknown transaction").doesNotContain("refused");
    }

    @Test
    void aClientCertificateIsRefused() {
        int exit = resolve("--tls", "--certs", certs.toString(), "--as", "app", "--token-file", dir.resolve("none").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(stderr()).contains("refused");
    }

    @Test
    void withoutTlsTheNodeCannotBeReached() throws Exception {
        Path token = dir.resolve("token");
        dev.pledge.auth.OperatorToken.generate(token, new java.security.SecureRandom());

        int exit = resolve("--token-file", token.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(stderr()).doesNotContain("unknown transaction");
    }

    @Test
    void aMissingCertificateIsOneClearLineWithoutCallingTheNode() {
        int exit = resolve("--token-file", dir.resolve("none").toString(), "--tls", "--certs", dir.resolve("nowhere").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(stderr()).contains("--tls:");
    }

    private int resolve(String... more) {
        return run.resolve(node.port(), more);
    }

    private String stderr() {
        return run.stderr();
    }
}
