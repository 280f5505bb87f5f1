package io.caracal.core.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A signed checkpoint of the ledger, kept with what can be derived from it: the per-agent totals of the events it
 * covers (leaves below {@code treeSize}) and where each pipeline consumer group stood just before they were read.
 */
public record LedgerSnapshot(UUID id, Instant createdAt, UUID batchId, long treeSize, byte[] root, String signedNote, long totalEvents,
                             long sizeBytes) {

    /** How many events an agent was charged in one currency, and their exact sum. */
    public record AgentTotal(UUID agentId, String currency, long eventCount, BigDecimal amount) {
    }

    /** A consumer group's committed offset on one partition: every record before it had been processed. */
    public record GroupOffset(String consumerGroup, String topic, int partition, long offset) {
    }

    /** What differs between the recorded totals and the ledger's now, one line per agent and currency; empty when equal. */
    public static List<String> differences(List<AgentTotal> recorded, List<AgentTotal> now) {
        Map<String, AgentTotal> before = byKey(recorded);
        Map<String, AgentTotal> after = byKey(now);
        TreeMap<String, String> lines = new TreeMap<>();
        before.forEach((key, total) -> {
            AgentTotal current = after.get(key);
            if (current == null) {
                lines.put(key, key + ": " + describe(total) + " in the snapshot, none in the ledger");
            } else if (!same(total, current)) {
                lines.put(key, key + ": " + describe(total) + " in the snapshot, " + describe(current) + " in the ledger");
            }
        });
        after.forEach((key, current) -> {
            if (!before.containsKey(key)) {
                lines.put(key, key + ": none in the snapshot, " + describe(current) + " in the ledger");
            }
        });
        return new ArrayList<>(lines.values());
    }

    private static Map<String, AgentTotal> byKey(List<AgentTotal> totals) {
        Map<String, AgentTotal> map = new TreeMap<>();
        totals.forEach(t -> map.put("agent " + t.agentId() + " " + t.currency(), t));
        return map;
    }

    private static boolean same(AgentTotal a, AgentTotal b) {
        return a.eventCount() == b.eventCount() && a.amount().compareTo(b.amount()) == 0;
    }

    private static String describe(AgentTotal t) {
        return t.eventCount() + " event(s) totalling " + t.amount().toPlainString();
    }
}
