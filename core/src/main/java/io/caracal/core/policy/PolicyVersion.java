package io.caracal.core.policy;

import java.time.Instant;

/** One immutable entry in a policy's history: the full policy as it stood after the change. */
public record PolicyVersion(int version, ChangeType changeType, String changedBy, String changeReason,
                            Instant changedAt, BudgetPolicy policy) {
}
