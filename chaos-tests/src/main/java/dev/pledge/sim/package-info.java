/**
 * Deterministic simulation of the real protocol cores (issue 5) and of the runtime code that
 * executes their Outputs (issue 13): each node drives the production group-commit state machine
 * ({@code dev.pledge.runtime.GroupCommit}: batching, one sync per batch, linger, release in order)
 * as scheduled flushes, and participants execute their Outputs through the production
 * {@code OutputsExecution} with its overlay of unstored commits. {@link dev.pledge.sim.World} runs
 * it over a simulated
 * network (loss, duplication, delay, slow links, one- and two-way partitions), disks that lose
 * unsynced batches at a crash or everything at a disk loss (a node restarting on an empty data
 * directory, issue 18), and a clock; one seed drives it all. {@link dev.pledge.sim.Checker}
 * checks I1–I5, I7, I8 and the bank-sum invariant after every step and I6 after healing;
 * {@link dev.pledge.sim.DiskLosses} holds what a lost disk changes and the DAMAGE rules.
 *
 * <ul>
 *   <li>{@link dev.pledge.sim.Simulation}: random runs; {@code SimulationTest} runs 2,000 seeds,
 *       {@code -Dsim.seeds=100000} soaks, {@code -Dsim.seed=N} replays one (the failure report prints
 *       the exact command).</li>
 *   <li>{@link dev.pledge.sim.Explorer}: exhaustive small scope (2 participants, 1–2 transactions),
 *       every choice up to a depth bound, states hashed, replayed from the choice path.</li>
 *   <li>{@link dev.pledge.sim.Mutation}: deliberate bugs to show the checkers catch them: protocol
 *       bugs made in the adapters, runtime bugs switched on in the production runtime's own
 *       {@code Defect}s.</li>
 * </ul>
 */
package dev.pledge.sim;
