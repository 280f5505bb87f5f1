package io.caracal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds used so far by this JVM and by the embedded PostgreSQL listening on a port (its postmaster, which
 * pg_ctl leaves to init, and every backend under it), user plus system, including children they have reaped, from
 * Linux's /proc. On a machine shared with other jobs, wall times grow with the load; the CPU a step costs much less so.
 */
final class ProcessTreeCpu {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ, 100 on every Linux this runs on

    private final long postmaster;

    ProcessTreeCpu(int postgresPort) {
        this.postmaster = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").matches(".*bin/postgres .*-p " + postgresPort + " .*"))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    double seconds() {
        return seconds(true);
    }

    /** CPU seconds used so far by PostgreSQL alone. */
    double postgresSeconds() {
        return seconds(false);
    }

    private double seconds(boolean withThisJvm) {
        long self = withThisJvm ? ProcessHandle.current().pid() : -1;
        Map<Long, long[]> stats = new HashMap<>(); // pid -> {parent, cpu ticks}
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    Stat stat = Stat.read(p);
                    stats.put(Long.parseLong(p.getFileName().toString()), new long[]{stat.field(1), stat.ticks() + stat.field(13) + stat.field(14)});
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            });
        } catch (IOException e) {
            return Double.NaN;
        }
        long ticks = 0;
        for (Map.Entry<Long, long[]> process : stats.entrySet()) {
            if (under(process.getKey(), self, stats) || under(process.getKey(), postmaster, stats)) {
                ticks += process.getValue()[1];
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds used so far by this JVM's JIT compiler threads. A JVM that hosts Kafka's broker and clients, Micronaut,
     * Avro and the JDBC driver keeps compiling for a minute and more, at up to half of this machine's two cores: work a
     * long-running consumer has long finished, and that a step measured meanwhile pays for.
     */
    double jitSeconds() {
        long ticks = 0;
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    Stat stat = Stat.read(thread);
                    if (stat.name().contains("CompilerThre")) {
                        ticks += stat.ticks();
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return ticks / TICKS_PER_SECOND;
    }

    /**
     * A process's or thread's {@code stat} in /proc: its name (in parentheses, and cut to 15 characters) and the fields
     * after it: state, ppid, ... utime (field 11 here), stime, cutime, cstime.
     */
    private record Stat(String name, String[] fields) {
        static Stat read(Path dir) throws IOException {
            String stat = Files.readString(dir.resolve("stat"));
            return new Stat(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        }

        long field(int i) {
            return Long.parseLong(fields[i]);
        }

        /** User and system ticks of its own, without the children it has reaped. */
        long ticks() {
            return field(11) + field(12);
        }
    }

    private static boolean under(long pid, long ancestor, Map<Long, long[]> stats) {
        for (long at = pid; at > 1; ) {
            if (at == ancestor) {
                return true;
            }
            long[] stat = stats.get(at);
            if (stat == null) {
                return false;
            }
            at = stat[0];
        }
        return false;
    }
}
