package io.caracal.cli.audit;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.event.EventSchemas;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code --event-type} names: a comma list of the audited schemas, each written as the runbook writes it
 * ({@code policy_change}) or as the schema names it ({@code PolicyChange}, {@code io.caracal.events.PolicyChange}),
 * in any case. A name that is none of them is refused: a typo must not look like an empty log.
 */
final class AuditEventTypes {
    private static final List<String> AUDITED = List.of(EventSchemas.METERING, EventSchemas.POLICY_DECISION, EventSchemas.AGENT_LIFECYCLE,
            EventSchemas.POLICY_CHANGE);

    private AuditEventTypes() {
    }

    /** The full schema names {@code option} lists. */
    static Set<String> parse(String option) {
        Set<String> types = new LinkedHashSet<>();
        for (String name : option.split(",", -1)) {
            types.add(AUDITED.stream().filter(type -> canonical(type).equals(canonical(name))).findFirst()
                    .orElseThrow(() -> new InvalidInputException("unknown event type '" + name.strip() + "': expected one of "
                            + AUDITED.stream().map(AuditEventTypes::snakeCase).collect(Collectors.joining(", ")))));
        }
        return types;
    }

    /** policy_change, PolicyChange and io.caracal.events.PolicyChange all become "policychange". */
    private static String canonical(String name) {
        return AuditView.shortType(name.strip()).replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static String snakeCase(String type) {
        return AuditView.shortType(type).replaceAll("(?<=[a-z])(?=[A-Z])", "_").toLowerCase(Locale.ROOT);
    }
}
