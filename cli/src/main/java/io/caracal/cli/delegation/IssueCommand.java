package io.caracal.cli.delegation;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.delegation.DelegationService;
import io.caracal.core.error.Ids;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

@Command(name = "issue", mixinStandardHelpOptions = true,
        description = "Issue a delegation token: the child may spend up to --spending-limit in all, on top of its other budgets and"
                + " counted on its parent's, until the token expires or is revoked. Signed with the parent's key (registered with"
                + " 'caracal delegation add-key'). The limit may not exceed the parent's own daily limit in that currency. The token is"
                + " printed once; the child sends it in X-Caracal-Delegation.")
final class IssueCommand extends SessionCommand {
    @Option(names = "--parent-id", required = true, description = "The issuing agent.")
    String parentId;

    @Option(names = "--child-id", required = true, description = "The child the token is for: only it can spend with the token.")
    String childId;

    @Option(names = "--spending-limit", required = true, description = "What the child may spend with the token, in all, a decimal.")
    String spendingLimit;

    @Option(names = "--currency", defaultValue = "USD", description = "ISO 4217 currency (default: ${DEFAULT-VALUE}).")
    String currency;

    @Option(names = "--expiration", paramLabel = "SECONDS", defaultValue = "86400",
            description = "Lifetime in seconds, at most 30 days (default: ${DEFAULT-VALUE}).")
    long expiration;

    @Option(names = "--operations", paramLabel = "OPERATION", split = ",",
            description = "What the token may pay for: api_call, mcp_tool (default: both; repeatable or comma-separated).")
    List<String> operations;

    @Option(names = "--max-depth", defaultValue = "" + DelegationService.DEFAULT_MAX_DEPTH,
            description = "The deepest level below the top of its agent tree at which the child may use the token (default: ${DEFAULT-VALUE}).")
    int maxDepth;

    @Option(names = "--key", required = true, paramLabel = "PEMFILE", description = "The parent's private key (P-256, PEM).")
    Path key;

    IssueCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        DelegationService.Issued issued = DelegationCommand.service(session).issue(Ids.parse("parent id", parentId), Ids.parse("child id", childId),
                Money.parse("spending limit", spendingLimit, CurrencyCode.parse(currency)), Duration.ofSeconds(expiration), operations, maxDepth,
                PemKeys.readPrivate(key));
        ClaimsView view = ClaimsView.of(issued.token(), issued.claims());
        print(view, () -> {
            out().println("Delegation token issued:");
            view.print(out());
            out().println("  Token: " + issued.token());
            out().println("Store this token now: it is not kept. Revoke it with 'caracal delegation revoke-token --jti " + view.jti() + "'.");
        });
    }
}
