package dev.pledge.demo.client;

import java.util.Random;

/** Which course an enrollment (or swap, or group enrollment) goes to. */
public enum Mix {
    /** A third of enrollments go to the first {@link #HOT_COURSES} courses: capacity limits, wait-die and lock timeouts happen. */
    HOT,
    /** Every course equally likely: almost no lock conflicts, so latency is the commit path's own. */
    UNIFORM;

    /** How many courses the hot mix favours. */
    public static final int HOT_COURSES = 5;
    /** One enrollment in this many goes to a hot course under {@link #HOT}. */
    private static final int HOT_ONE_IN = 3;

    public int course(Random random, int courses) {
        if (courses < 1) throw new IllegalArgumentException("courses must be at least 1, was " + courses);
        if (this == HOT && random.nextInt(HOT_ONE_IN) == 0) return random.nextInt(Math.min(HOT_COURSES, courses));
        return random.nextInt(courses);
    }
}
