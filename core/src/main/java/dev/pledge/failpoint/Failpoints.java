package dev.pledge.failpoint;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Named crash points for tests that kill real processes at an exact step of the protocol.
 * Off unless the JVM is started with {@code -Dpledge.failpoints=name=action[,name=action]};
 * an unset property costs one volatile read per {@link #hit}.
 *
 * <p>Actions:
 * <ul>
 *   <li>{@code block}: print {@code FAILPOINT <name> reached} on stdout and stop this thread
 *       forever, so the test can send SIGKILL at exactly this point;</li>
 *   <li>{@code halt}: print the same line and halt the JVM at once (exit code 137, no hooks);</li>
 *   <li>{@code fail}: print the same line and throw {@link Injected} from the call, as if the step
 *       had failed (e.g. a disk write).</li>
 * </ul>
 * Runtimes (never the pure protocol cores) call {@link #hit} at their crash points; the names are
 * constants next to the call so tests and code cannot drift apart.
 */
public final class Failpoints {
    public static final String PROPERTY = "pledge.failpoints";

    private static volatile Map<String, String> actions = parse(System.getProperty(PROPERTY, ""));

    private Failpoints() {}

    /** What a failpoint with the {@code fail} action throws. */
    public static final class Injected extends RuntimeException {
        public Injected(String name) {
            super("failpoint " + name + " injected a failure");
        }
    }

    /** True if any failpoint is configured; lets callers skip work done only to name a crash point. */
    public static boolean enabled() {
        return !actions.isEmpty();
    }

    public static void hit(String name) {
        Map<String, String> current = actions;
        if (current.isEmpty()) return;
        String action = current.get(name);
        if (action == null) return;
        System.out.println("FAILPOINT " + name + " reached (" + action + ")");
        System.out.flush();
        switch (action) {
            case "halt" -> Runtime.getRuntime().halt(137);
            case "block" -> blockForever();
            case "fail" -> throw new Injected(name);
            default -> throw new IllegalStateException("unknown failpoint action " + action + " for " + name);
        }
    }

    /** For in-JVM tests: replaces the configured failpoints ("" clears them). */
    public static void configure(String spec) {
        actions = parse(spec);
    }

    static Map<String, String> parse(String spec) {
        Map<String, String> parsed = new ConcurrentHashMap<>();
        if (spec == null || spec.isBlank()) return Map.of();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || !(kv[1].equals("block") || kv[1].equals("halt") || kv[1].equals("fail"))) {
                throw new IllegalArgumentException(PROPERTY + ": want name=block|halt|fail, got '" + part + "'");
            }
            parsed.put(kv[0].trim(), kv[1].trim());
        }
        return Map.copyOf(parsed);
    }

    private static void blockForever() {
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // Stay blocked: the point of the failpoint is that nothing after it runs.
            }
        }
    }
}
