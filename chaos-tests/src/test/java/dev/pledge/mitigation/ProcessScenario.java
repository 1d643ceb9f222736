package dev.pledge.mitigation;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A scenario on real processes: a fresh data root, and the cluster stopped afterwards whatever happened. */
abstract class ProcessScenario {
    @TempDir
    Path root;

    MitigationCluster c;

    @AfterEach
    void stopCluster() {
        if (c == null) return;
        // A node left frozen (SIGSTOP) would not die on SIGTERM; thaw everything first.
        for (String name : c.cluster.nodeNames()) {
            if (c.node(name) != null && c.node(name).alive()) c.node(name).resume();
        }
        c.close();
    }
}
