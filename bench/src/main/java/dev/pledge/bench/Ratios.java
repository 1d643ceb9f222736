package dev.pledge.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Pledge against each baseline measured in the same run, for every (N, K) that has both. */
final class Ratios {
    private Ratios() {}

    static String table(List<LoadResult> results) {
        StringBuilder sb = new StringBuilder("| N | K | Pledge/floor tx/s | Pledge/Narayana tx/s |\n|---|---|---|---|\n");
        for (LoadResult p : results) {
            if (!p.system().equals("pledge")) continue;
            sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %s |%n", p.participants(), p.concurrency(),
                    ratio(p, find(results, "floor", p)), ratio(p, find(results, "narayana", p))));
        }
        return sb.toString();
    }

    private static Optional<LoadResult> find(List<LoadResult> results, String system, LoadResult like) {
        return results.stream().filter(r -> r.system().equals(system) && r.participants() == like.participants()
                && r.concurrency() == like.concurrency()).findFirst();
    }

    private static String ratio(LoadResult pledge, Optional<LoadResult> base) {
        return base.filter(b -> b.txPerSecond() > 0)
                .map(b -> String.format(Locale.ROOT, "%.2f", pledge.txPerSecond() / b.txPerSecond())).orElse("n/a");
    }
}
