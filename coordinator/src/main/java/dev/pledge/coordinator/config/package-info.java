/** The coordinator's one immutable, validated configuration and its loading from properties. */
package dev.pledge.coordinator.config;
