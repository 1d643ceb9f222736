package dev.pledge.demo.domain;

import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.Rejected;
import dev.pledge.demo.wire.Student;

import java.util.ArrayList;

/**
 * The enrollment business rules, applied on each side of an enrollment. Both sides check what
 * they can see; the transaction makes the two changes happen together or not at all.
 */
public final class Rules {
    public static final int COURSES_PER_STUDENT_MAX = 5;

    private Rules() {}

    public static Student addCourse(Student student, int courseId) throws Rejected {
        if (student.getCourses().contains(courseId)) {
            throw new Rejected("ALREADY_ENROLLED", "student " + student.getId() + " is already in course " + courseId);
        }
        if (student.getCourses().size() >= COURSES_PER_STUDENT_MAX) {
            throw new Rejected("TOO_MANY_COURSES", "student " + student.getId() + " already has "
                    + COURSES_PER_STUDENT_MAX + " courses");
        }
        Student next = student.deepCopy();
        next.setCourses(new ArrayList<>(student.getCourses()));
        next.getCourses().add(courseId);
        return next;
    }

    public static Student removeCourse(Student student, int courseId) throws Rejected {
        if (!student.getCourses().contains(courseId)) {
            throw new Rejected("NOT_ENROLLED", "student " + student.getId() + " is not in course " + courseId);
        }
        Student next = student.deepCopy();
        next.setCourses(new ArrayList<>(student.getCourses()));
        next.getCourses().remove(Integer.valueOf(courseId));
        return next;
    }

    public static Course addStudent(Course course, int studentId) throws Rejected {
        if (course.getRoster().contains(studentId)) {
            throw new Rejected("ALREADY_ENROLLED", "student " + studentId + " is already in course " + course.getId());
        }
        if (course.getRoster().size() >= course.getCapacity()) {
            throw new Rejected("COURSE_FULL", "course " + course.getId() + " is full ("
                    + course.getCapacity() + " seats)");
        }
        Course next = course.deepCopy();
        next.setRoster(new ArrayList<>(course.getRoster()));
        next.getRoster().add(studentId);
        return next;
    }

    public static Course removeStudent(Course course, int studentId) throws Rejected {
        if (!course.getRoster().contains(studentId)) {
            throw new Rejected("NOT_ENROLLED", "student " + studentId + " is not in course " + course.getId());
        }
        Course next = course.deepCopy();
        next.setRoster(new ArrayList<>(course.getRoster()));
        next.getRoster().remove(Integer.valueOf(studentId));
        return next;
    }
}
