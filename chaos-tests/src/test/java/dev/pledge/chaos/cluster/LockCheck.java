package dev.pledge.chaos.cluster;

import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.rpc.Endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * No lock is left behind: a fresh transaction rewrites every record the workload touched with its
 * own current value (an exclusive lock on each key) and must commit. A fresh transaction is younger
 * than any leftover holder, so wait-die makes it fail at once on a held lock instead of waiting.
 */
final class LockCheck {
    private static final int KEYS_PER_TX_MAX = 100;

    private LockCheck() {}

    /** Rewrites {@code keys} at {@code participant} in chunks; returns the keys of chunks that did not commit. */
    static List<String> rewriteAll(PledgeClient client, Endpoint participant, List<byte[]> keys) {
        List<String> failed = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_TX_MAX) {
            List<byte[]> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_TX_MAX));
            String error = rewrite(client, participant, chunk);
            if (error != null) failed.add(participant + " keys " + from + ".." + (from + chunk.size() - 1) + ": " + error);
        }
        return failed;
    }

    private static String rewrite(PledgeClient client, Endpoint participant, List<byte[]> keys) {
        try (Transaction tx = client.begin(Duration.ofSeconds(20))) {
            for (byte[] key : keys) {
                byte[] value = tx.kv(participant).get(key);
                if (value != null) tx.kv(participant).put(key, value);
            }
            var result = tx.commit();
            return result.committed() ? null : result.toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
