package dev.pledge.demo.domain;

import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Student;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consistency check over one serializable snapshot of all students and courses: student s
 * lists course c exactly when c's roster lists s, no roster exceeds its capacity, no student
 * exceeds the course limit, and the two sides' totals agree. Every violation is listed with ids.
 */
public final class Audit {
    public record Result(int students, int courses, long enrollments, List<String> violations) {
        public boolean clean() {
            return violations.isEmpty();
        }

        @Override
        public String toString() {
            return (clean() ? "CLEAN" : "VIOLATIONS " + violations.size()) + " (" + students + " students, "
                    + courses + " courses, " + enrollments + " enrollments)"
                    + (clean() ? "" : ": " + String.join("; ", violations.subList(0, Math.min(20, violations.size()))));
        }
    }

    private Audit() {}

    public static Result check(Collection<Student> students, Collection<Course> courses) {
        List<String> violations = new ArrayList<>();
        Map<Integer, Set<Integer>> rosterOf = new HashMap<>();
        long fromCourses = 0;
        for (Course c : courses) {
            Set<Integer> roster = new HashSet<>(c.getRoster());
            if (roster.size() != c.getRoster().size()) violations.add("course " + c.getId() + " lists a student twice");
            if (c.getRoster().size() > c.getCapacity()) {
                violations.add("course " + c.getId() + " has " + c.getRoster().size() + " > capacity " + c.getCapacity());
            }
            rosterOf.put(c.getId(), roster);
            fromCourses += c.getRoster().size();
        }
        Map<Integer, Set<Integer>> coursesOf = new HashMap<>();
        long fromStudents = 0;
        for (Student s : students) {
            Set<Integer> mine = new HashSet<>(s.getCourses());
            if (mine.size() > Rules.COURSES_PER_STUDENT_MAX) {
                violations.add("student " + s.getId() + " has " + mine.size() + " courses");
            }
            coursesOf.put(s.getId(), mine);
            fromStudents += s.getCourses().size();
            for (int c : mine) {
                Set<Integer> roster = rosterOf.get(c);
                if (roster == null) violations.add("student " + s.getId() + " lists unknown course " + c);
                else if (!roster.contains(s.getId())) violations.add("student " + s.getId() + " lists course " + c + " whose roster lacks them");
            }
        }
        for (Course c : courses) {
            for (int s : c.getRoster()) {
                Set<Integer> mine = coursesOf.get(s);
                if (mine == null) violations.add("course " + c.getId() + " lists unknown student " + s);
                else if (!mine.contains(c.getId())) violations.add("course " + c.getId() + " lists student " + s + " who lacks it");
            }
        }
        if (fromStudents != fromCourses) {
            violations.add("totals differ: students list " + fromStudents + " enrollments, rosters " + fromCourses);
        }
        return new Result(students.size(), courses.size(), fromStudents, violations);
    }
}
