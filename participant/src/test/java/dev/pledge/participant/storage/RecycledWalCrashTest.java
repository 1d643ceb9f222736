package dev.pledge.participant.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pledge.runtime.KvOp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store with {@link WalRecycling} on overwrites old log files in place, so a log replayed after a
 * crash ends in records left over from the file's previous use. A writer process is SIGKILLed
 * mid-stream, three times over the same directory, with logs of 1 MiB and 4 KiB writes, so that
 * each life rolls its log several times: every synced write it acknowledged is there after each
 * crash, what survived has no hole, and RocksDB did reuse log files (else this proves nothing).
 * A SIGKILL keeps the page cache, so this checks replay over recycled files, not power loss.
 */
class RecycledWalCrashTest {
    private static final WalRecycling SMALL_LOGS = new WalRecycling(2, WalRecycling.MIB);
    private static final int VALUE_BYTES = 4_096;
    /** About four rolls of a 1 MiB log per life. */
    private static final int ACKS_PER_LIFE = 1_000;
    private static final int LIVES = 3;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void everyAcknowledgedSyncedWriteSurvivesSigkillWhileLogFilesAreRecycled() throws Exception {
        Path store = dir.resolve("store");
        long next = 1;
        for (int life = 1; life <= LIVES; life++) {
            List<Long> acked = runAndKill(store, next);
            assertThat(acked).as("life %d acknowledged writes before it was killed; its stderr: %s", life,
                    Files.readString(dir.resolve("writer-" + next + ".err"))).hasSizeGreaterThanOrEqualTo(ACKS_PER_LIFE);
            TreeSet<Long> kept = new TreeSet<>();
            try (ParticipantStore s = ParticipantStore.open(store, SMALL_LOGS)) {
                s.view().forEach(ParticipantLayout.DATA, (key, value) -> kept.add(ByteBuffer.wrap(key).getLong()));
            }
            assertThat(kept).as("life %d: every acknowledged write is kept", life).containsAll(acked);
            assertThat(kept.last() - kept.first() + 1).as("life %d: no hole in what was kept", life).isEqualTo(kept.size());
            next = kept.last() + 1;
        }
        long reuses = RocksLog.lines(store).stream().filter(l -> l.contains("reusing log") && l.contains("from recycle list")).count();
        assertThat(reuses).as("log files reused over %d lives", LIVES).isGreaterThanOrEqualTo(LIVES * 3L);
    }

    /** Starts a writer from {@code from}, kills it with SIGKILL once it acknowledged enough, and returns what it acknowledged. */
    private List<Long> runAndKill(Path store, long from) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Writer.class.getName(),
                store.toString(), Long.toString(from)))
                .redirectError(dir.resolve("writer-" + from + ".err").toFile()).start();
        List<Long> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                acked.add(Long.parseLong(line));
                // SIGKILL (no shutdown, no flush), through the handle: Process.destroy would close this pipe,
                // and the lines still in it were acknowledged before the kill.
                if (acked.size() == ACKS_PER_LIFE) p.toHandle().destroyForcibly();
            }
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return acked;
    }

    /** The writer process: synced 4 KiB writes keyed by a number counting from args[1], each printed once durable. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            Path store = Path.of(args[0]);
            long from = Long.parseLong(args[1]);
            byte[] value = new byte[VALUE_BYTES];
            try (ParticipantStore s = ParticipantStore.open(store, SMALL_LOGS)) {
                for (long n = from; ; n++) {
                    byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(n).array();
                    s.writeOps(List.of(KvOp.put(ParticipantLayout.DATA, key, value)), true);
                    System.out.println(n);
                    System.out.flush();
                }
            }
        }
    }
}
