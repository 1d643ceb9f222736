/**
 * The one configuration loader of every node kind: a schema of nested keys ({@code core.*},
 * {@code rpc.*}, {@code storage.*}) with each default defined once, read from a properties file
 * and command-line flags. Each node kind builds its own immutable config record from the values.
 */
package dev.pledge.core.config;
