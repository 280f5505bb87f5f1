package io.caracal.cli;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.Window;
import io.caracal.core.policy.WindowType;
import io.caracal.core.policy.Windows;
import picocli.CommandLine.Option;

import java.time.Instant;

/** The period a spend report covers: explicit times, or the current window as a budget policy would count it. */
public final class TimeRangeOptions {
    @Option(names = "--start-time", paramLabel = "TIME", description = "Start (inclusive): " + Times.FORMS + ".")
    String startTime;

    @Option(names = "--end-time", paramLabel = "TIME", description = "End (exclusive): " + Times.FORMS + ".")
    String endTime;

    @Option(names = "--time-window", description = "Instead of times: the current hourly, daily, weekly or monthly window (UTC).")
    String timeWindow;

    @Option(names = "--window-type", defaultValue = "calendar", description = "calendar or rolling, with --time-window (default: ${DEFAULT-VALUE}).")
    String windowType;

    /** The range asked for; a window is the one containing {@code now}. */
    public Window resolve(Instant now) {
        if (timeWindow != null) {
            if (startTime != null || endTime != null) {
                throw new InvalidInputException("give either --time-window or --start-time and --end-time, not both");
            }
            return Windows.at(TimeWindow.parse(timeWindow), WindowType.parse(windowType), null, now);
        }
        if (startTime == null || endTime == null) {
            throw new InvalidInputException("give --start-time and --end-time, or --time-window");
        }
        Instant start = Times.parseOptional("start-time", startTime, now);
        Instant end = Times.parseOptional("end-time", endTime, now);
        Times.requireOrdered(start, end);
        return new Window(start, end);
    }
}
