package dev.pledge.chaos.cluster;

import dev.pledge.chaos.container.JavaNodeContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** iptables rules run inside a node's container (it has NET_ADMIN); a rule is inserted and later deleted by the same spec. */
final class Iptables {
    private Iptables() {}

    static List<String> dropFrom(String ip) {
        return List.of("INPUT", "-s", ip, "-j", "DROP");
    }

    /** Random loss of incoming packets on the cluster interface; the kernel here has no netem, so statistic it is. */
    static List<String> randomLoss(double p) {
        return List.of("INPUT", "-i", "eth0", "-m", "statistic", "--mode", "random",
                "--probability", String.format(Locale.ROOT, "%.3f", p), "-j", "DROP");
    }

    static void insert(JavaNodeContainer node, List<String> spec) {
        run(node, "-I", spec);
    }

    static void delete(JavaNodeContainer node, List<String> spec) {
        run(node, "-D", spec);
    }

    private static void run(JavaNodeContainer node, String op, List<String> spec) {
        List<String> command = new ArrayList<>(List.of("iptables", op));
        command.addAll(spec);
        node.exec(command.toArray(String[]::new));
    }
}
