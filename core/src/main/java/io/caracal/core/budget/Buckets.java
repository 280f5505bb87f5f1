package io.caracal.core.budget;

import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.Window;
import io.caracal.core.policy.WindowType;
import io.caracal.core.policy.Windows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How a budget's settled spend is bucketed in Redis. A calendar window is one exact counter. A rolling window
 * is the sum of fixed buckets from the one containing the window's start to the one containing now: the
 * first bucket may hold spend from just before the window, so a rolling budget can over-count by up to one
 * bucket of spend, and never under-counts. Bucket sizes: 1 min (hourly), 15 min (daily), 2 h (weekly),
 * 8 h (30-day monthly).
 */
public final class Buckets {
    /** Keys outlive their window by this much, so a late read never finds a counter gone. */
    private static final Duration GRACE = Duration.ofHours(1);

    /**
     * How far back from now a budget's window may start, at most: the longest is a calendar month, 31 days and what a
     * zone's change of offset adds to it (an hour for DST); a 30-day rolling window starts at most 8 hours earlier,
     * with its first bucket. Spend older than this is never read by a rebuild (migration V10 backfills this far too).
     */
    public static final Duration REACH = Duration.ofDays(35);

    private Buckets() {
    }

    /** A counter: its id within the budget, the instants it covers, and how long Redis must keep it. */
    public record Bucket(String id, Instant start, Instant end, Duration keep) {
    }

    /**
     * The Redis key of a budget's counters: the hash tag of its delegation tree ({@code root}, the tree's top agent),
     * then the policy and its window definition. Every budget one hold touches belongs to the holding agent or an
     * ancestor, so all share the tag and a Redis Cluster keeps them in one slot, where one script can hold on all
     * atomically. Changing a policy's window, type or zone starts from a key Redis has never seen, which is rebuilt
     * from PostgreSQL for the new window, instead of reading spend kept under the old window's bucket names; moving
     * its agent to another tree moves it to that tree's keys (docs/budget-engine.md says what that costs).
     */
    public static String counterKey(UUID root, BudgetPolicy policy) {
        return "{" + root + "}:" + policy.id() + ":" + policy.timeWindow().label() + ":" + policy.windowType().label() + ":"
                + (policy.timeZone() == null ? "UTC" : policy.timeZone().getId());
    }

    public static Duration size(TimeWindow window) {
        return switch (window) {
            case HOURLY -> Duration.ofMinutes(1);
            case DAILY -> Duration.ofMinutes(15);
            case WEEKLY -> Duration.ofHours(2);
            case MONTHLY -> Duration.ofHours(8);
        };
    }

    /** The buckets whose sum is the policy's settled spend in the window at {@code now}. */
    public static List<Bucket> window(BudgetPolicy policy, Instant now) {
        if (policy.windowType() == WindowType.CALENDAR) {
            return List.of(bucketFor(policy, now));
        }
        long size = size(policy.timeWindow()).toMillis();
        Window window = Windows.of(policy, now);
        long first = Math.floorDiv(window.start().toEpochMilli(), size);
        long last = Math.floorDiv(now.toEpochMilli(), size);
        List<Bucket> buckets = new ArrayList<>();
        for (long index = first; index <= last; index++) {
            buckets.add(rolling(policy, index, size, now));
        }
        return buckets;
    }

    /** The bucket a charge made at {@code at} is added to. */
    public static Bucket bucketFor(BudgetPolicy policy, Instant at) {
        if (policy.windowType() == WindowType.CALENDAR) {
            Window window = Windows.of(policy, at);
            return new Bucket("c" + window.start().getEpochSecond(), window.start(), window.end(),
                    keepUntil(window.end(), at));
        }
        long size = size(policy.timeWindow()).toMillis();
        return rolling(policy, Math.floorDiv(at.toEpochMilli(), size), size, at);
    }

    private static Bucket rolling(BudgetPolicy policy, long index, long size, Instant now) {
        Instant start = Instant.ofEpochMilli(index * size);
        Instant end = start.plusMillis(size);
        // A rolling bucket is read until one window length after it ends.
        return new Bucket("r" + index, start, end, keepUntil(end.plus(Windows.rollingLength(policy.timeWindow())), now));
    }

    private static Duration keepUntil(Instant until, Instant now) {
        Duration left = Duration.between(now, until);
        return (left.isNegative() ? Duration.ZERO : left).plus(GRACE);
    }
}
