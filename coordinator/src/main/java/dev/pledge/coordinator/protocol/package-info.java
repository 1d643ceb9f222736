/**
 * The coordinator's protocol core: a deterministic step function from {@link
 * dev.pledge.coordinator.protocol.Event} to {@link dev.pledge.coordinator.protocol.Outputs}.
 * Pure: no Thrift, no RocksDB, no threads, no wall clock. Time arrives inside each event, and
 * randomness (retry jitter) comes from a seeded source the core owns, so simulations are exact.
 */
package dev.pledge.coordinator.protocol;
