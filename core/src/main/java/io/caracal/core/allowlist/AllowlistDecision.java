package io.caracal.core.allowlist;

/** Whether a resource is allowed, why, and which entry allowed it (null when denied). */
public record AllowlistDecision(boolean allowed, String reason, AllowlistEntry matchedEntry, int patternsChecked) {
}
