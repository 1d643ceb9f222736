package dev.pledge.coordinator.config;

import dev.pledge.rpc.Endpoint;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a {@link CoordinatorConfig} from a .properties file:
 * <pre>
 * node.id=coord-1
 * listen=0.0.0.0:7000
 * data.dir=/var/lib/pledge/coord-1
 * participant.student-a=10.0.0.2:7101
 * participant.course-c=10.0.0.4:7103
 * tx.timeout.default.ms=30000   (optional; also tx.timeout.min.ms, tx.timeout.max.ms)
 * retention.ms=3600000          (optional; also delivery.retry.base.ms, delivery.retry.max.ms,
 *                                participant.call.timeout.ms, random.seed)
 * </pre>
 * Unknown keys are rejected, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {
    private static final String PARTICIPANT_PREFIX = "participant.";
    private static final Set<String> KNOWN = Set.of("node.id", "listen", "data.dir", "tx.timeout.default.ms",
            "tx.timeout.min.ms", "tx.timeout.max.ms", "retention.ms", "delivery.retry.base.ms",
            "delivery.retry.max.ms", "participant.call.timeout.ms", "random.seed");

    private ConfigLoader() {}

    public static CoordinatorConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return fromProperties(p);
    }

    public static CoordinatorConfig fromProperties(Properties p) {
        Map<String, Endpoint> participants = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(PARTICIPANT_PREFIX) && !key.equals("participant.call.timeout.ms")) {
                participants.put(key.substring(PARTICIPANT_PREFIX.length()), Endpoint.parse(p.getProperty(key).trim()));
            } else if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException("unknown configuration key: " + key);
            }
        }
        CoordinatorConfig c = CoordinatorConfig.defaults(required(p, "node.id"),
                Endpoint.parse(required(p, "listen")), Path.of(required(p, "data.dir")), participants);
        c = c.withTxTimeoutsMs(number(p, "tx.timeout.default.ms", c.txTimeoutDefaultMs()),
                number(p, "tx.timeout.min.ms", c.txTimeoutMinMs()), number(p, "tx.timeout.max.ms", c.txTimeoutMaxMs()));
        c = c.withRetentionMs(number(p, "retention.ms", c.retentionMs()));
        c = c.withDeliveryRetryMs(number(p, "delivery.retry.base.ms", c.deliveryRetryBaseMs()),
                number(p, "delivery.retry.max.ms", c.deliveryRetryMaxMs()));
        c = c.withParticipantCallTimeoutMs(number(p, "participant.call.timeout.ms", c.participantCallTimeoutMs()));
        return c.withRandomSeed(number(p, "random.seed", c.randomSeed()));
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("missing configuration key: " + key);
        return v.trim();
    }

    private static long number(Properties p, String key, long fallback) {
        String v = p.getProperty(key);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + v + "'", e);
        }
    }
}
