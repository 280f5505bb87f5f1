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
                    String stat = Files.readString(p.resolve("stat"));
                    // After the command name in parentheses: state, ppid, ... utime (14th field), stime, cutime, cstime.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    stats.put(Long.parseLong(p.getFileName().toString()), new long[]{Long.parseLong(f[1]),
                            Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])});
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
                    String stat = Files.readString(thread.resolve("stat"));
                    if (stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).contains("CompilerThre")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
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
