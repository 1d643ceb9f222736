package dev.pledge.core;

/** A participant's phase-one answer. Mirrors the wire enum of the same name. */
public enum Vote { YES, NO, READ_ONLY }
