package dev.pledge.demo.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.auth.OperatorToken;
import dev.pledge.participant.ParticipantNode;
import dev.pledge.participant.config.ParticipantConfig;
import dev.pledge.rpc.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pledge admin resolve} against a real participant over real Thrift: it presents the token
 * of {@code --token-file}, and the node tells an operator from anyone else. The transaction is one
 * the node never saw, so an authorized call ends in "unknown transaction" and forces nothing.
 */
class AdminResolveCommandTest {
    @TempDir
    Path dir;

    private ParticipantNode node;
    private Path tokenFile;
    private final ResolveRun run = new ResolveRun();

    @BeforeEach
    void start() throws Exception {
        tokenFile = dir.resolve("operator.token");
        OperatorToken.generate(tokenFile, new SecureRandom());
        Endpoint nowhere = new Endpoint("127.0.0.1", 1);
        node = new ParticipantNode(ParticipantConfig.defaults("A", new Endpoint("127.0.0.1", 0),
                Files.createDirectories(dir.resolve("data")), nowhere).withOperatorTokenFile(tokenFile)).start();
    }

    @AfterEach
    void stop() {
        if (node != null) node.stop();
    }

    @Test
    void theOperatorTokenOfTheTokenFileGetsTheCallPastAuthorization() {
        int exit = resolve("--token-file", tokenFile.toString(), "--operator", "alice");

        assertThat(exit).isEqualTo(1);
        assertThat(stderr()).contains("unknown transaction").doesNotContain("refused");
    }

    @Test
    void anotherTokenIsRefused() throws Exception {
        Path other = dir.resolve("other.token");
        OperatorToken.generate(other, new SecureRandom());

        int exit = resolve("--token-file", other.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(stderr()).contains("refused: the operator token is not the one node A was configured with");
    }

    @Test
    void aMissingTokenFileIsOneClearLineWithoutCallingTheNode() {
        int exit = resolve("--token-file", dir.resolve("absent").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(stderr()).contains("no operator token at").contains("--token-file FILE");
    }

    private int resolve(String... more) {
        return run.resolve(node.port(), more);
    }

    private String stderr() {
        return run.stderr();
    }
}
