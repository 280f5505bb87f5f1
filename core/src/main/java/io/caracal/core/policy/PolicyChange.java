package io.caracal.core.policy;

import io.caracal.core.error.InvalidInputException;

/**
 * Who changed a policy and why. Every change is recorded as a new version; a change without a reason
 * is refused, because the history is what an auditor reads.
 */
public record PolicyChange(String changedBy, String reason) {
    private static final int MAX_REASON = 1000;

    public PolicyChange {
        if (changedBy == null || changedBy.isBlank()) {
            throw new InvalidInputException("changed-by is required");
        }
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("a change reason is required (--change-reason)");
        }
        reason = reason.strip();
        changedBy = changedBy.strip();
        if (reason.length() > MAX_REASON) {
            throw new InvalidInputException("change reason is longer than " + MAX_REASON + " characters");
        }
        if (changedBy.length() > 255) {
            throw new InvalidInputException("changed-by is longer than 255 characters");
        }
    }
}
