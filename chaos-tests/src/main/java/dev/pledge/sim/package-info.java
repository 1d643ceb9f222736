/**
 * Deterministic simulation of the real protocol cores (issue 5). {@link dev.pledge.sim.World} runs
 * the coordinator's and participants' cores exactly as their runtimes do (each Outputs' messages
 * and replies leave only after its records, and all earlier ones, are durable), over a simulated
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
 *   <li>{@link dev.pledge.sim.Mutation}: deliberate bugs made in the adapters, never in production
 *       code, to show the checkers catch them.</li>
 * </ul>
 */
package dev.pledge.sim;
