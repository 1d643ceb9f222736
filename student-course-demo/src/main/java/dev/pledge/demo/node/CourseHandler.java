package dev.pledge.demo.node;

import dev.pledge.demo.domain.Records;
import dev.pledge.demo.domain.Rules;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.CourseService;
import dev.pledge.demo.wire.Rejected;
import dev.pledge.wire.TxContext;
import org.apache.thrift.TException;

import java.util.ArrayList;
import java.util.List;

/** The course node's service. Every method is one operation of the caller's transaction. */
public final class CourseHandler implements CourseService.Iface {
    private final BranchRunner runner;

    public CourseHandler(BranchRunner runner) {
        this.runner = runner;
    }

    @Override
    public Course getCourse(TxContext ctx, int courseId) throws TException {
        Arguments.id("courseId", courseId);
        return runner.execute(ctx, store -> load(store.get(Records.courseKey(courseId)), courseId));
    }

    @Override
    public List<Course> scanCourses(TxContext ctx) throws TException {
        return runner.execute(ctx, store -> {
            int total = Records.decodeInt(store.get(Records.countKey()));
            List<Course> courses = new ArrayList<>();
            for (int id = 0; id < total; id++) {
                byte[] bytes = store.get(Records.courseKey(id));
                if (bytes != null) courses.add(Records.decodeCourse(bytes));
            }
            return courses;
        });
    }

    @Override
    public void putCourse(TxContext ctx, Course course) throws TException {
        Arguments.course(course);
        runner.execute(ctx, store -> {
            store.put(Records.courseKey(course.getId()), Records.encode(course));
            int total = Records.decodeInt(store.getForUpdate(Records.countKey()));
            if (course.getId() >= total) store.put(Records.countKey(), Records.encodeInt(course.getId() + 1));
            return null;
        });
    }

    @Override
    public void addStudent(TxContext ctx, int courseId, int studentId) throws TException {
        Arguments.id("courseId", courseId);
        Arguments.id("studentId", studentId);
        runner.execute(ctx, store -> {
            byte[] key = Records.courseKey(courseId);
            store.put(key, Records.encode(Rules.addStudent(load(store.getForUpdate(key), courseId), studentId)));
            return null;
        });
    }

    @Override
    public void removeStudent(TxContext ctx, int courseId, int studentId) throws TException {
        Arguments.id("courseId", courseId);
        Arguments.id("studentId", studentId);
        runner.execute(ctx, store -> {
            byte[] key = Records.courseKey(courseId);
            store.put(key, Records.encode(Rules.removeStudent(load(store.getForUpdate(key), courseId), studentId)));
            return null;
        });
    }

    private static Course load(byte[] bytes, int courseId) throws Rejected {
        if (bytes == null) throw new Rejected("UNKNOWN_COURSE", "no course " + courseId);
        return Records.decodeCourse(bytes);
    }
}
