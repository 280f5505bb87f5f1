package io.caracal.core.allowlist;

import java.time.Instant;
import java.util.UUID;

/** One allowlist pattern of an agent. Deleting an entry deactivates it; the row stays for the record. */
public record AllowlistEntry(UUID id, UUID agentId, String pattern, PatternType patternType, boolean active,
                             Instant createdAt, Instant deletedAt) {
}
