package dev.pledge.rpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several Prometheus text expositions served as one, for a process hosting several nodes (each
 * with its own registry, tagged with its own node id). The format allows a metric family's
 * {@code # HELP} and {@code # TYPE} once per exposition, so simply concatenating two registries
 * that both have, say, {@code pledge_log_batch_entries} is refused by a scraper. Here each family
 * appears once, with its samples from every exposition, in the order families were first seen. A
 * family whose type differs from the one seen first keeps only the first exposition's samples;
 * the others are left out rather than served as an invalid page.
 */
public final class PrometheusText {
    private PrometheusText() {}

    private static final class Family {
        String help;
        String type;
        final List<String> samples = new ArrayList<>();
    }

    /** One exposition of every family in {@code expositions} (null entries are skipped). */
    public static String merge(List<String> expositions) {
        Map<String, Family> families = new LinkedHashMap<>();
        for (String text : expositions) {
            if (text == null) continue;
            Family current = null;
            boolean conflicting = false;
            for (String line : text.split("\n")) {
                if (line.isBlank()) continue;
                if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                    String name = token(line, 2);
                    current = families.computeIfAbsent(name, n -> new Family());
                    if (line.startsWith("# HELP ")) {
                        if (current.help == null) current.help = line;
                        conflicting = false;
                    } else if (current.type == null) {
                        current.type = line;
                        conflicting = false;
                    } else {
                        conflicting = !current.type.equals(line);
                    }
                } else if (line.startsWith("#")) {
                    continue; // another comment: not part of a family
                } else {
                    if (current == null) current = families.computeIfAbsent(token(line, 0), n -> new Family());
                    if (!conflicting) current.samples.add(line);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (Family f : families.values()) {
            if (f.help != null) out.append(f.help).append('\n');
            if (f.type != null) out.append(f.type).append('\n');
            for (String sample : f.samples) out.append(sample).append('\n');
        }
        return out.toString();
    }

    /** The {@code index}-th space-separated token (a sample's name ends at its labels' brace). */
    private static String token(String line, int index) {
        String[] parts = line.split(" ", index + 2);
        String t = parts.length > index ? parts[index] : line;
        int brace = t.indexOf('{');
        return brace < 0 ? t : t.substring(0, brace);
    }
}
