package io.caracal.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PolicyChangeTest {

    @Test
    void keepsWhoAndWhyStripped() {
        PolicyChange change = new PolicyChange(" alice ", "  raise for Q3 launch\n");
        assertEquals("alice", change.changedBy());
        assertEquals("raise for Q3 launch", change.reason());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\n\t"})
    void requiresAReason(String reason) {
        invalid(() -> new PolicyChange("alice", reason), "a change reason is required", "--change-reason");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void requiresWhoChangedIt(String changedBy) {
        invalid(() -> new PolicyChange(changedBy, "why"), "changed-by is required");
    }

    @Test
    void limitsTheReasonTo1000Characters() {
        assertEquals(1000, new PolicyChange("alice", "r".repeat(1000)).reason().length());
        assertEquals(1000, new PolicyChange("alice", "  " + "r".repeat(1000) + "  ").reason().length());
        invalid(() -> new PolicyChange("alice", "r".repeat(1001)), "change reason is longer than 1000 characters");
    }

    @Test
    void limitsChangedByTo255Characters() {
        assertEquals(255, new PolicyChange("a".repeat(255), "why").changedBy().length());
        invalid(() -> new PolicyChange("a".repeat(256), "why"), "changed-by is longer than 255 characters");
    }
}
