package dev.pledge.chaos.cluster;

import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.CourseService;
import dev.pledge.demo.wire.Student;
import dev.pledge.demo.wire.StudentService;
import dev.pledge.rpc.Endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every student and course read in one serializable transaction (shared locks on every record), as the auditor reads them. */
record Snapshot(List<Student> students, List<Course> courses) {
    private static final StudentService.Client.Factory STUDENTS = new StudentService.Client.Factory();
    private static final CourseService.Client.Factory COURSES = new CourseService.Client.Factory();

    /** One consistent read, or null if this attempt lost a race or a node did not answer. */
    static Snapshot read(PledgeClient client, Topology topology) {
        try (Transaction tx = client.begin(Duration.ofSeconds(20))) {
            List<Student> students = new ArrayList<>();
            for (Endpoint shard : topology.studentShards()) {
                students.addAll(tx.call(shard, Topology.STUDENT_SERVICE, STUDENTS, (c, ctx) -> c.scanStudents(ctx)));
            }
            List<Course> courses = tx.call(topology.courses(), Topology.COURSE_SERVICE, COURSES, (c, ctx) -> c.scanCourses(ctx));
            return tx.commit().committed() ? new Snapshot(students, courses) : null;
        } catch (Exception e) {
            return null;
        }
    }
}
