/**
 * The Thrift edge of the coordinator: generated wire types are translated to the pure core types
 * here and nowhere else.
 */
package dev.pledge.coordinator.rpc;
