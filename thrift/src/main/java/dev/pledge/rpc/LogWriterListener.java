package dev.pledge.rpc;

import dev.pledge.runtime.GroupCommitWriter;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure policy of every node's log writer: a failed write is logged at ERROR and stops
 * the node's deciding (its event loop refuses everything and /health fails) until an operator
 * restarts it, because the durability of what was being written is unknown. The process stays up
 * so that /health, /metrics and the log say why. Written batches feed the node's meters.
 */
public final class LogWriterListener implements GroupCommitWriter.Listener {
    private static final Logger log = LoggerFactory.getLogger(LogWriterListener.class);

    private final String nodeId;
    private final Consumer<Throwable> stopDeciding;
    private volatile NodeMetrics metrics;

    /** {@code stopDeciding}: told once, on the writer thread, when a write failed. */
    public LogWriterListener(String nodeId, Consumer<Throwable> stopDeciding) {
        this.nodeId = nodeId;
        this.stopDeciding = stopDeciding;
    }

    /** Meters to feed with every written batch from now on. */
    public void meter(NodeMetrics m) {
        this.metrics = m;
    }

    @Override
    public void writeFailed(Throwable cause) {
        log.error("{} log write failed; this node decides nothing more and /health fails until it is restarted: {}",
                nodeId, cause.toString(), cause);
        stopDeciding.accept(cause);
    }

    @Override
    public void releaseFailed(RuntimeException e) {
        log.error("{} an effect released after a durable write failed: {}", nodeId, e.toString(), e);
    }

    @Override
    public void written(int entries, boolean synced) {
        NodeMetrics m = metrics;
        if (m != null) m.logBatch(entries, synced);
    }
}
