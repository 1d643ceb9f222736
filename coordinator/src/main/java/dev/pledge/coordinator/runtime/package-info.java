/**
 * Wiring: the event loop that owns the protocol core, timers, the group-commit writer in front of
 * the decision log, participant calls, {@link dev.pledge.coordinator.runtime.CoordinatorNode} and
 * the command line.
 */
package dev.pledge.coordinator.runtime;
