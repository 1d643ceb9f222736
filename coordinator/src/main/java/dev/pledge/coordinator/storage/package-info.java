/** The coordinator's decision log on RocksDB, and the group-commit writer in front of it. */
package dev.pledge.coordinator.storage;
