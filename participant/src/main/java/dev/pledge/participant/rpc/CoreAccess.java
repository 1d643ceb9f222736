package dev.pledge.participant.rpc;

import dev.pledge.participant.protocol.CoreView;
import dev.pledge.participant.protocol.Event;
import dev.pledge.participant.protocol.Reply;
import dev.pledge.wire.Unavailable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What the Thrift handlers need from the participant's core thread, owned here so that this
 * package depends on no runtime class: the runtime implements it and the node wires the two.
 */
public interface CoreAccess {
    /** Builds a request event on the core's thread, given its reply token. */
    interface RequestMaker {
        Event make(long token, long nowMs, CoreView view);
    }

    /** Posts the event and waits for its reply; Unavailable if the core is full or the wait exceeds {@code waitMs}. */
    Reply ask(RequestMaker maker, long waitMs) throws Unavailable;

    /** Posts one event per maker and waits for all their replies, in maker order, within one shared wait. */
    List<Reply> askAll(List<RequestMaker> makers, long waitMs) throws Unavailable;

    /** As {@link #askAll} without blocking: the future fails with Unavailable where askAll throws it. */
    CompletableFuture<List<Reply>> askAllLater(List<RequestMaker> makers, long waitMs);

    /** Posts an event nobody waits for. */
    void tell(Function<Long, Event> maker) throws Unavailable;

    /** Answers a read-only question on the core's thread. */
    <T> T query(Function<CoreView, T> question, long waitMs) throws Unavailable;
}
