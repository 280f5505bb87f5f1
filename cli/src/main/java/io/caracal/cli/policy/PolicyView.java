package io.caracal.cli.policy;

import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyVersion;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.Objects;

/** Amounts are JSON strings: a JSON number would be read as a binary float by most consumers. */
@Serdeable(naming = SnakeCaseStrategy.class)
public record PolicyView(String policyId, String agentId, String limit, String currency, String timeWindow, String windowType,
                         String timeZone, String delegatedFrom, boolean active, String createdAt, String updatedAt) {
    static PolicyView of(BudgetPolicy p) {
        return new PolicyView(p.id().toString(), p.agentId().toString(), p.limit().amountText(), p.limit().currency().code(),
                p.timeWindow().label(), p.windowType().label(), p.timeZone() == null ? null : p.timeZone().getId(),
                Objects.toString(p.delegatedFrom(), null), p.active(), p.createdAt().toString(), p.updatedAt().toString());
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record VersionView(int version, String changeType, String changedBy, String changeReason, String changedAt, PolicyView policy) {
        static VersionView of(PolicyVersion v) {
            return new VersionView(v.version(), v.changeType().label(), v.changedBy(), v.changeReason(), v.changedAt().toString(),
                    PolicyView.of(v.policy()));
        }
    }
}
