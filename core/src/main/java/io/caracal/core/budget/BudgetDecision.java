package io.caracal.core.budget;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * The answer to "may this agent spend this much now?". {@code remaining} is the smallest amount left across the
 * budgets after this request (never below zero; null when no budget applies), {@code failingPolicyId} the
 * first budget that refused. Figures are as they stood before the request.
 */
public record BudgetDecision(boolean allowed, String reason, BigDecimal remaining, String currency, UUID failingPolicyId,
                             List<BudgetFigures> budgets) {
    public BudgetDecision {
        budgets = List.copyOf(budgets);
    }

    /**
     * What is left once a hold allowed by this decision settled: per budget, what was available before minus
     * what the charge counted there; the smallest of those, never below zero.
     */
    public BigDecimal remainingAfter(Settlement settlement) {
        BigDecimal smallest = null;
        for (BudgetFigures figures : budgets) {
            BigDecimal charged = settlement.lines().stream().filter(l -> l.policy().id().equals(figures.policyId()))
                    .map(BudgetLine::amount).findFirst().orElse(BigDecimal.ZERO);
            BigDecimal left = figures.available().subtract(charged);
            smallest = smallest == null || left.compareTo(smallest) < 0 ? left : smallest;
        }
        return smallest == null ? null : smallest.max(BigDecimal.ZERO);
    }

    static BudgetDecision denied(String reason) {
        return new BudgetDecision(false, reason, null, null, null, List.of());
    }
}
