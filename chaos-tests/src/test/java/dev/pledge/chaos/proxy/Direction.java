package dev.pledge.chaos.proxy;

/** Which way a frame travels through a {@link FrameProxy}. */
public enum Direction {
    /** From the caller to the server: Thrift calls. */
    REQUEST,
    /** From the server back to the caller: Thrift replies and exceptions. */
    REPLY
}
