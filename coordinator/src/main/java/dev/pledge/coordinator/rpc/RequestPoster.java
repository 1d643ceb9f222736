package dev.pledge.coordinator.rpc;

import dev.pledge.coordinator.protocol.Event;
import dev.pledge.coordinator.protocol.Reply;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/** How handlers reach the event loop: post an event that carries a reply token, get its reply. */
public interface RequestPoster {
    CompletableFuture<Reply.Value> request(LongFunction<Event> event);

    /** The handler gave up waiting (its deadline passed); a late reply is dropped. */
    void abandon(CompletableFuture<Reply.Value> reply);

    long nowMs();
}
