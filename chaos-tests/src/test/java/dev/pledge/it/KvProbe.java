package dev.pledge.it;

import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.rpc.Endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static org.awaitility.Awaitility.await;

/** Reads committed values through fresh transactions, as any later client would see them. */
public final class KvProbe {
    private KvProbe() {}

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The value of {@code key} at {@code participant} in a new read-only transaction, or null. */
    public static byte[] read(PledgeClient client, Endpoint participant, byte[] key) throws Exception {
        try (Transaction tx = client.begin(Duration.ofSeconds(5))) {
            byte[] value = tx.kv(participant).get(key);
            tx.commit();
            return value;
        }
    }

    /**
     * Waits until a fresh transaction reads {@code expected} (null = absent) for {@code key}. A read
     * may fail meanwhile: the key's lock is held by an in-doubt branch until its decision arrives.
     */
    public static void awaitValue(PledgeClient client, Endpoint participant, byte[] key, byte[] expected, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> Arrays.equals(read(client, participant, key), expected));
    }
}
