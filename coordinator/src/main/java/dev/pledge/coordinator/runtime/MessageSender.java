package dev.pledge.coordinator.runtime;

import dev.pledge.coordinator.protocol.Message;

/** Sends a protocol message and later posts its result back as an event. Must not block long. */
interface MessageSender extends AutoCloseable {
    void send(Message message);

    @Override
    void close();
}
