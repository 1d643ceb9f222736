/**
 * Pure domain types shared by the protocol cores: no Thrift, RocksDB, threads or wall clock.
 * The RPC edge ({@code dev.pledge.rpc.Wire}) translates them to and from the generated wire types.
 */
package dev.pledge.core;
