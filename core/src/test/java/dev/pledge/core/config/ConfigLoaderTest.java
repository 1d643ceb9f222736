package dev.pledge.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Setting<String> ID = Setting.required("core.node-id", s -> s, "node id");
    private static final Setting<Long> WAIT_MS = Setting.longAtLeast("core.wait-ms", 2_000, 1, "longest wait");
    private static final Setting<Integer> WORKERS = Setting.intIn("rpc.workers-max", 64, 1, 100, "worker threads");
    private static final Setting<String> METRICS = Setting.optional("rpc.metrics", s -> s, "metrics address");
    private static final Setting<String> DIR = Setting.withDefault("storage.data-dir", "/tmp/x", s -> s, "data");
    private static final Entries<String> PEERS = new Entries<>("rpc.peer", s -> s, "another node, id=host:port");
    private static final ConfigSchema SCHEMA = new ConfigSchema("test node", List.of(ID, WAIT_MS, WORKERS, METRICS, DIR),
            List.of(PEERS), Map.of("id", "core.node-id"));

    @TempDir
    Path dir;

    @Test
    void flagsBeatTheFileAndTheFileBeatsTheDefaults() throws IOException {
        Path file = write("core.node-id=from-file\ncore.wait-ms=300\nrpc.peer.b=file-b:1\n");
        ConfigValues v = ConfigLoader.load(SCHEMA, List.of("--config", file.toString(), "--wait-ms=40"));
        assertThat(v.get(ID)).isEqualTo("from-file");
        assertThat(v.get(WAIT_MS)).isEqualTo(40L);
        assertThat(v.get(WORKERS)).isEqualTo(64);
        assertThat(v.get(METRICS)).isNull();
        assertThat(v.get(PEERS)).isEqualTo(Map.of("b", "file-b:1"));

        ConfigValues flagsOnly = ConfigLoader.load(SCHEMA, List.of("--id", "n1", "--rpc.workers-max=8", "--peer", "c=h:2"));
        assertThat(flagsOnly.get(ID)).isEqualTo("n1");
        assertThat(flagsOnly.get(WORKERS)).isEqualTo(8);
        assertThat(flagsOnly.get(WAIT_MS)).isEqualTo(2_000L);
        assertThat(flagsOnly.get(PEERS)).isEqualTo(Map.of("c", "h:2"));
    }

    @Test
    void anEntryFlagAddsToTheFilesEntriesAndOverridesTheSameName() throws IOException {
        Path file = write("core.node-id=n\nrpc.peer.b=file-b:1\nrpc.peer.c=file-c:1\n");
        ConfigValues v = ConfigLoader.load(SCHEMA, List.of("--config=" + file, "--peer=c=flag-c:2", "--rpc.peer.d=flag-d:3"));
        assertThat(v.get(PEERS)).isEqualTo(Map.of("b", "file-b:1", "c", "flag-c:2", "d", "flag-d:3"));
    }

    @Test
    void anUnknownKeyInTheFileIsRefusedNamingTheKeyAndTheFile() throws IOException {
        Path file = write("core.node-id=n\ncore.wait-msec=5\n");
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, List.of("--config", file.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown configuration key core.wait-msec (in " + file + ")");
    }

    @Test
    void anUnknownFlagIsRefusedNamingIt() {
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, List.of("--id", "n", "--wait-msec=5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown flag --wait-msec for the test node");
        assertThatThrownBy(() -> ConfigValues.of(SCHEMA, Map.of("rpc.wait-ms", "5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown configuration key rpc.wait-ms");
    }

    @Test
    void anInvalidValueIsRefusedNamingTheKeyAndWhatIsWrong() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, List.of("--id", "n", "--wait-ms", "0")).get(WAIT_MS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("core.wait-ms: must be >= 1, was 0");
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, List.of("--id", "n", "--workers-max", "many")).get(WORKERS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rpc.workers-max: must be a whole number, was 'many'");
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, List.of("--peer", "no-equals-sign")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--peer wants NAME=VALUE, got 'no-equals-sign'");
    }

    @Test
    void aMissingRequiredKeyIsNamedWithItsFlag() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, List.of()).get(ID))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("missing configuration key core.node-id (flag --node-id)");
    }

    @Test
    void aFlagWithoutAValueIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(SCHEMA, List.of("--id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("flag --id has no value");
    }

    @Test
    void twoKeysCannotShareAShortFlag() {
        Setting<Long> rpcWait = Setting.longAtLeast("rpc.wait-ms", 1, 1, "another wait");
        assertThatThrownBy(() -> new ConfigSchema("bad", List.of(WAIT_MS, rpcWait), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--wait-ms would set both");
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, text);
        return file;
    }
}
