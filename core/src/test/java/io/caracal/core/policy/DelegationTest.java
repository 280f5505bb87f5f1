package io.caracal.core.policy;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.caracal.core.error.Rejections.conflict;
import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelegationTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final CurrencyCode USD = new CurrencyCode("USD");
    private static final CurrencyCode EUR = new CurrencyCode("EUR");
    private static final UUID PARENT = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    private static final UUID OTHER = UUID.fromString("00000000-0000-4000-8000-00000000000b");
    private static final UUID CHILD = UUID.fromString("00000000-0000-4000-8000-00000000000c");

    private static Agent agent(UUID parentId) {
        return new Agent(CHILD, "child", "", "ops", AgentStatus.ACTIVE, parentId, Map.of(), NOW, NOW);
    }

    private static PolicyTerms daily(String limit, CurrencyCode currency) {
        return new PolicyTerms(Money.parse("limit", limit, currency), TimeWindow.DAILY, WindowType.CALENDAR, null);
    }

    private static BudgetPolicy parentPolicy(String id, String limit, CurrencyCode currency, TimeWindow window, boolean active) {
        return new BudgetPolicy(UUID.fromString(id), PARENT, Money.parse("limit", limit, currency), window,
                WindowType.CALENDAR, null, null, active, NOW, NOW);
    }

    private static final String P1 = "00000000-0000-4000-8000-000000000101";
    private static final String P2 = "00000000-0000-4000-8000-000000000102";
    private static final String P3 = "00000000-0000-4000-8000-000000000103";

    @Test
    void aPolicyThatIsNotDelegatedNeedsNoChecks() {
        // An agent without a parent and no parent policies would fail every check below.
        assertDoesNotThrow(() -> CarveOut.check(agent(null), null, daily("1000", USD), List.of()));
    }

    @Test
    void anAgentWithoutAParentCannotReceiveADelegation() {
        invalid(() -> CarveOut.check(agent(null), PARENT, daily("10", USD),
                        List.of(parentPolicy(P1, "100", USD, TimeWindow.DAILY, true))),
                "only the direct parent can delegate", CHILD.toString(), "has no parent");
    }

    @Test
    void onlyTheDirectParentCanDelegate() {
        invalid(() -> CarveOut.check(agent(PARENT), OTHER, daily("10", USD),
                        List.of(parentPolicy(P1, "100", USD, TimeWindow.DAILY, true))),
                "only the direct parent can delegate", "has parent " + PARENT);
    }

    @Test
    void theParentNeedsAPolicyToDelegateFrom() {
        conflict(() -> CarveOut.check(agent(PARENT), PARENT, daily("10", USD), List.of()),
                "parent " + PARENT + " has no active daily USD policy to delegate from");
    }

    @Test
    void anInactiveParentPolicyDoesNotCount() {
        conflict(() -> CarveOut.check(agent(PARENT), PARENT, daily("10", USD),
                        List.of(parentPolicy(P1, "100", USD, TimeWindow.DAILY, false))),
                "has no active daily USD policy");
    }

    @Test
    void aParentPolicyForAnotherWindowDoesNotCount() {
        conflict(() -> CarveOut.check(agent(PARENT), PARENT, daily("10", USD),
                        List.of(parentPolicy(P1, "100", USD, TimeWindow.WEEKLY, true))),
                "has no active daily USD policy");
    }

    @Test
    void aParentPolicyInAnotherCurrencyDoesNotCount() {
        conflict(() -> CarveOut.check(agent(PARENT), PARENT, daily("10", USD),
                        List.of(parentPolicy(P1, "100", EUR, TimeWindow.DAILY, true))),
                "has no active daily USD policy");
    }

    @Test
    void theDelegatedLimitMayNotExceedTheParents() {
        conflict(() -> CarveOut.check(agent(PARENT), PARENT, daily("100.01", USD),
                        List.of(parentPolicy(P1, "100", USD, TimeWindow.DAILY, true))),
                "delegated limit 100.01 USD exceeds the parent's daily limit of 100.00 USD", "(policy " + P1 + ")");
    }

    @Test
    void theDelegatedLimitMayEqualOrStayBelowTheParents() {
        List<BudgetPolicy> parents = List.of(parentPolicy(P1, "100", USD, TimeWindow.DAILY, true));
        assertDoesNotThrow(() -> CarveOut.check(agent(PARENT), PARENT, daily("100.000", USD), parents));
        assertDoesNotThrow(() -> CarveOut.check(agent(PARENT), PARENT, daily("0.01", USD), parents));
    }

    @Test
    void everyMatchingParentPolicyBoundsTheDelegation() {
        List<BudgetPolicy> parents = List.of(
                parentPolicy(P1, "500", USD, TimeWindow.DAILY, true),
                parentPolicy(P2, "50", USD, TimeWindow.DAILY, true));
        var e = conflict(() -> CarveOut.check(agent(PARENT), PARENT, daily("60", USD), parents),
                "exceeds the parent's daily limit of 50.00 USD", "(policy " + P2 + ")");
        assertFalse(e.getMessage().contains(P1));
    }

    @Test
    void nonMatchingParentPoliciesDoNotBoundTheDelegation() {
        List<BudgetPolicy> parents = List.of(
                parentPolicy(P1, "1", USD, TimeWindow.WEEKLY, true),
                parentPolicy(P2, "1", EUR, TimeWindow.DAILY, true),
                parentPolicy(P3, "1", USD, TimeWindow.DAILY, false),
                parentPolicy("00000000-0000-4000-8000-000000000104", "100", USD, TimeWindow.DAILY, true));
        assertDoesNotThrow(() -> CarveOut.check(agent(PARENT), PARENT, daily("100", USD), parents));
        assertTrue(daily("100", USD).limit().isGreaterThan(parents.get(0).limit()));
    }
}
