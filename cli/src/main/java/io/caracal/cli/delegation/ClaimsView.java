package io.caracal.cli.delegation;

import io.caracal.core.delegation.DelegationClaims;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.PrintWriter;
import java.util.List;

/** A token's claims as the delegation commands print them; {@code token} only when it was just issued. */
@Serdeable(naming = SnakeCaseStrategy.class)
record ClaimsView(String token, String jti, String parentId, String childId, String spendingLimit, String currency, String issuedAt,
                  String expiresAt, List<String> allowedOperations, int maxDelegationDepth) {
    static ClaimsView of(String token, DelegationClaims c) {
        return new ClaimsView(token, c.jti().toString(), c.parentId().toString(), c.childId().toString(), c.spendingLimit().amountText(),
                c.spendingLimit().currency().code(), c.issuedAt().toString(), c.expiresAt().toString(), c.allowedOperations(),
                c.maxDelegationDepth());
    }

    void print(PrintWriter out) {
        out.println("  JTI: " + jti);
        out.println("  Parent ID: " + parentId);
        out.println("  Child ID: " + childId);
        out.println("  Spending Limit: " + spendingLimit + " " + currency);
        out.println("  Issued At: " + issuedAt);
        out.println("  Expires At: " + expiresAt);
        out.println("  Allowed Operations: " + String.join(", ", allowedOperations));
        out.println("  Max Delegation Depth: " + maxDelegationDepth);
    }
}
