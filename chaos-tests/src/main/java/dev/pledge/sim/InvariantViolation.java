package dev.pledge.sim;

/** A checker found a broken invariant; {@code invariant} is its name (I1..I7, APP, DURABILITY). */
final class InvariantViolation extends RuntimeException {
    private final String invariant;

    InvariantViolation(String invariant, String detail) {
        super(invariant + ": " + detail);
        this.invariant = invariant;
    }

    String invariant() {
        return invariant;
    }
}
