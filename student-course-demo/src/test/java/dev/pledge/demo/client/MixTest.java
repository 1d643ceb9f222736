package dev.pledge.demo.client;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MixTest {
    private static final int COURSES = 100;
    private static final int DRAWS = 100_000;
    private static final int MEAN = DRAWS / COURSES;

    private static int[] draw(Mix mix) {
        Random random = new Random(7);
        int[] perCourse = new int[COURSES];
        for (int i = 0; i < DRAWS; i++) perCourse[mix.course(random, COURSES)]++;
        return perCourse;
    }

    @Test
    void uniformMixHasNoHotCourse() {
        int[] perCourse = draw(Mix.UNIFORM);

        // A fair draw of 1,000 per course strays by about 30; a hot course would get over 7,000.
        for (int c = 0; c < COURSES; c++) assertThat(perCourse[c]).as("course %d", c).isBetween(MEAN * 8 / 10, MEAN * 12 / 10);
    }

    @Test
    void hotMixSendsManyTimesTheFairShareToTheFirstFiveCourses() {
        int[] perCourse = draw(Mix.HOT);

        for (int c = 0; c < Mix.HOT_COURSES; c++) assertThat(perCourse[c]).as("course %d", c).isGreaterThan(5 * MEAN);
        for (int c = Mix.HOT_COURSES; c < COURSES; c++) assertThat(perCourse[c]).as("course %d", c).isLessThan(MEAN);
    }

    @Test
    void aCourseIsAlwaysInRangeEvenWithFewerCoursesThanHotOnes() {
        Random random = new Random(1);
        for (int i = 0; i < 1_000; i++) assertThat(Mix.HOT.course(random, 2)).isBetween(0, 1);
        assertThatThrownBy(() -> Mix.UNIFORM.course(random, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("courses must be at least 1");
    }
}
