package dev.pledge.chaos.proxy;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * A {@link FaultPlan} drawing each frame's fate from one seeded source: with the given
 * probabilities a frame is delayed, duplicated, held back to be overtaken, or corrupted. Only
 * frames whose method matches {@code methods} and whose direction is in {@code directions} are
 * touched. Pump threads interleave, so the seed fixes the mix of faults, not which frame gets which.
 */
public final class SeededFaults implements FaultPlan {
    private final Random random;
    private final double delayP;
    private final double duplicateP;
    private final double reorderP;
    private final double corruptP;
    private final long delayMsMax;
    private final List<Direction> directions;
    private final Predicate<String> methods;

    private SeededFaults(Builder b) {
        this.random = new Random(b.seed);
        this.delayP = b.delayP;
        this.duplicateP = b.duplicateP;
        this.reorderP = b.reorderP;
        this.corruptP = b.corruptP;
        this.delayMsMax = b.delayMsMax;
        this.directions = List.copyOf(b.directions);
        this.methods = b.methods;
        if (delayP + duplicateP + reorderP + corruptP > 1.0) throw new IllegalArgumentException("probabilities add up to more than 1");
    }

    public static Builder seeded(long seed) {
        return new Builder(seed);
    }

    @Override
    public synchronized FrameAction decide(Direction direction, String method) {
        if (!directions.contains(direction) || !methods.test(method)) return FrameAction.pass();
        double x = random.nextDouble();
        if ((x -= delayP) < 0) return FrameAction.delay(1 + (long) (random.nextDouble() * delayMsMax));
        // A duplicated reply would be a second answer in one TCP stream, which no network produces.
        if ((x -= duplicateP) < 0) return direction == Direction.REQUEST ? FrameAction.duplicate() : FrameAction.pass();
        if ((x -= reorderP) < 0) return FrameAction.reorder();
        if ((x -= corruptP) < 0) return FrameAction.corrupt(corruption(direction));
        return FrameAction.pass();
    }

    private Corruption corruption(Direction direction) {
        Corruption[] all = Corruption.values();
        for (int i = 0; i < 16; i++) {
            Corruption c = all[random.nextInt(all.length)];
            if (c.detectableIn(direction)) return c;
        }
        return Corruption.BAD_VERSION;
    }

    public static final class Builder {
        private final long seed;
        private double delayP;
        private double duplicateP;
        private double reorderP;
        private double corruptP;
        private long delayMsMax = 200;
        private List<Direction> directions = List.of(Direction.REQUEST, Direction.REPLY);
        private Predicate<String> methods = m -> true;

        private Builder(long seed) {
            this.seed = seed;
        }

        public Builder delay(double p, long msMax) {
            this.delayP = p;
            this.delayMsMax = msMax;
            return this;
        }

        public Builder duplicate(double p) {
            this.duplicateP = p;
            return this;
        }

        public Builder reorder(double p) {
            this.reorderP = p;
            return this;
        }

        public Builder corrupt(double p) {
            this.corruptP = p;
            return this;
        }

        public Builder only(Direction... d) {
            this.directions = List.of(d);
            return this;
        }

        /** Touch only frames whose method name contains {@code fragment} (e.g. "prepare"). */
        public Builder methodsContaining(String fragment) {
            this.methods = m -> m.contains(fragment);
            return this;
        }

        public SeededFaults build() {
            return new SeededFaults(this);
        }
    }
}
