package dev.pledge.sim;

/** A checker found a broken invariant; {@code invariant} is its name (I1..I8, APP, DAMAGE, DURABILITY). */
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
