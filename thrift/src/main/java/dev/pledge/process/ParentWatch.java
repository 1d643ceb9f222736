package dev.pledge.process;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lets a node die with the launcher that started it. A launcher keeps a pipe to each child's
 * stdin; when the launcher exits, even by SIGKILL, the pipe closes and the child reads EOF.
 * Enabled by {@code -Dpledge.parentWatch=true}, which only launchers pass; a node started by hand
 * ignores its stdin.
 */
public final class ParentWatch {
    public static final String PROPERTY = "pledge.parentWatch";

    private ParentWatch() {}

    public static void startIfRequested(String nodeName) {
        if (!Boolean.getBoolean(PROPERTY)) return;
        Thread watch = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] sink = new byte[256];
                while (in.read(sink) >= 0) {
                    // Launchers write nothing; anything read is ignored.
                }
            } catch (IOException e) {
                // A broken pipe means the same as EOF.
            }
            System.err.println(nodeName + ": launcher is gone (stdin closed); exiting");
            // A normal exit, so shutdown hooks close the node cleanly. Process.destroy() also closes
            // our stdin, so a polite SIGTERM lands here too; if shutdown has begun, this just waits.
            System.exit(0);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
