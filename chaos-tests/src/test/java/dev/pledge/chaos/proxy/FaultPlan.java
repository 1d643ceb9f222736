package dev.pledge.chaos.proxy;

/** Decides, frame by frame, what a {@link FrameProxy} does. Called from the proxy's pump threads. */
@FunctionalInterface
public interface FaultPlan {
    /**
     * @param direction  which way the frame goes
     * @param method     the Thrift method name in the frame's header ("Participant:prepare", "prepare", or "?")
     */
    FrameAction decide(Direction direction, String method);

    static FaultPlan none() {
        return (d, m) -> FrameAction.pass();
    }
}
