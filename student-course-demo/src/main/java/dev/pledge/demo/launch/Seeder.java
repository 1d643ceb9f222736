package dev.pledge.demo.launch;

import dev.pledge.client.PledgeClient;
import dev.pledge.client.Transaction;
import dev.pledge.demo.client.Topology;
import dev.pledge.demo.wire.Course;
import dev.pledge.demo.wire.CourseService;
import dev.pledge.demo.wire.Student;
import dev.pledge.demo.wire.StudentService;
import dev.pledge.rpc.Endpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Random;

/**
 * Loads the initial students and courses through ordinary Pledge transactions, in batches. A
 * marker file makes it happen once per data directory.
 */
public final class Seeder {
    private static final int BATCH = 100;
    private static final String MARKER = "seeded";
    private static final String[] FIRST = {"Ada", "Alan", "Barbara", "Edsger", "Grace", "Leslie", "Niklaus", "Tony", "Radia", "Ken"};
    private static final String[] SUBJECT = {"Logic", "Algebra", "Systems", "Networks", "Compilers", "Databases", "Ethics", "Statistics"};

    private Seeder() {}

    public static boolean seeded(Path dataDir) {
        return Files.exists(dataDir.resolve(MARKER));
    }

    public static void seed(PledgeClient client, Topology t, int students, int courses, long seed, Path dataDir) throws Exception {
        Random random = new Random(seed);
        StudentService.Client.Factory sf = new StudentService.Client.Factory();
        CourseService.Client.Factory cf = new CourseService.Client.Factory();
        for (int from = 0; from < courses; from += BATCH) {
            try (Transaction tx = client.begin(Duration.ofSeconds(30))) {
                for (int id = from; id < Math.min(courses, from + BATCH); id++) {
                    // Course 0 is the small, contested one: 10 seats.
                    int capacity = id == 0 ? 10 : 10 + random.nextInt(51);
                    Course c = new Course(id, SUBJECT[id % SUBJECT.length] + " " + (100 + id), capacity, new ArrayList<>());
                    tx.call(t.courses(), Topology.COURSE_SERVICE, cf, (cc, ctx) -> {
                        cc.putCourse(ctx, c);
                        return null;
                    });
                }
                requireCommitted(tx);
            }
        }
        for (int from = 0; from < students; from += BATCH) {
            try (Transaction tx = client.begin(Duration.ofSeconds(30))) {
                for (int id = from; id < Math.min(students, from + BATCH); id++) {
                    Student s = new Student(id, FIRST[id % FIRST.length] + " #" + id, new ArrayList<>());
                    Endpoint shard = t.shardOf(id);
                    tx.call(shard, Topology.STUDENT_SERVICE, sf, (sc, ctx) -> {
                        sc.putStudent(ctx, s);
                        return null;
                    });
                }
                requireCommitted(tx);
            }
        }
        Files.writeString(dataDir.resolve(MARKER), students + " students, " + courses + " courses\n");
    }

    private static void requireCommitted(Transaction tx) throws Exception {
        var r = tx.commit();
        if (!r.committed()) throw new IllegalStateException("seeding transaction " + tx.id() + " aborted: " + r);
    }
}
