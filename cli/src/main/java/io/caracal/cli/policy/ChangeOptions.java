package io.caracal.cli.policy;

import io.caracal.cli.CliSession;
import io.caracal.core.policy.PolicyChange;
import picocli.CommandLine.Option;

/** Who changes a policy and why: every change is a version in the policy's history. */
final class ChangeOptions {
    @Option(names = "--changed-by", paramLabel = "WHO", description = "Who makes the change (default: the current OS user).")
    String changedBy;

    @Option(names = "--change-reason", paramLabel = "TEXT", description = "Why; recorded in the policy history. Required by update and deactivate.")
    String changeReason;

    PolicyChange change(CliSession session, String defaultReason) {
        String who = changedBy != null ? changedBy : session.env().getOrDefault("USER", System.getProperty("user.name"));
        return new PolicyChange(who, changeReason != null ? changeReason : defaultReason);
    }
}
