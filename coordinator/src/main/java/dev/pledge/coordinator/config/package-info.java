/** The coordinator's one immutable, validated configuration (core, rpc, storage) and its keys with their defaults. */
package dev.pledge.coordinator.config;
