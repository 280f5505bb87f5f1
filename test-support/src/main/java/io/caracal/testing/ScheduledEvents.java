package io.caracal.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every input a scheduled Lambda function may be invoked with, by name: what EventBridge Scheduler sends when its
 * target has no input of its own (as infra/terraform's schedules have none: a "Scheduled Event" from source
 * aws.scheduler whose detail is the string "{}"), the "Scheduled Event" of an EventBridge rule (source aws.events),
 * and invocations by hand that are not events at all.
 */
public final class ScheduledEvents {
    private ScheduledEvents() {
    }

    public static Map<String, byte[]> all() {
        Map<String, byte[]> events = new LinkedHashMap<>();
        events.put("EventBridge Scheduler", resource("scheduler-event.json"));
        events.put("EventBridge rule", resource("eventbridge-scheduled-event.json"));
        events.put("empty JSON object", "{}".getBytes(StandardCharsets.UTF_8));
        events.put("nothing", new byte[0]);
        events.put("not JSON", "{\"detail-type\": \"Scheduled Ev".getBytes(StandardCharsets.UTF_8));
        events.put("not text", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        return events;
    }

    /** What the infra/terraform schedules send. */
    public static byte[] scheduler() {
        return resource("scheduler-event.json");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ScheduledEvents.class.getResourceAsStream("/lambda-schedule/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource lambda-schedule/" + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
