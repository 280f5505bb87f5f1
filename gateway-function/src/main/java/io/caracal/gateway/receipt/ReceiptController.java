package io.caracal.gateway.receipt;

import io.caracal.core.agent.Agent;
import io.caracal.core.error.Ids;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.StorageUnavailableException;
import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.gateway.auth.AgentAuthenticator;
import io.caracal.gateway.metrics.GatewayMetrics;
import io.caracal.gateway.proxy.GatewayErrors;
import io.caracal.gateway.proxy.GatewayErrors.ErrorBody;
import io.caracal.gateway.proxy.ProxyExchange;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.UUID;

/**
 * {@code GET /receipts/{eventId}}: an agent's receipt for one of its own charges, again, as the ledger records it and
 * signed with this replica's key. The caller authenticates as for a proxied call; a charge that is unknown, not in the
 * ledger or another agent's is the same 404, so nobody learns which event ids exist.
 */
@Controller("/receipts")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReceiptController {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptController.class);

    private final AgentAuthenticator authenticator;
    private final LedgerStore ledger;
    private final Receipts receipts;
    private final GatewayMetrics metrics;

    public ReceiptController(AgentAuthenticator authenticator, LedgerStore ledger, Receipts receipts, GatewayMetrics metrics) {
        this.authenticator = authenticator;
        this.ledger = ledger;
        this.receipts = receipts;
        this.metrics = metrics;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ReceiptBody(String receipt, String eventId) {
    }

    @Get("/{eventId}")
    public HttpResponse<?> receipt(HttpRequest<?> request, @PathVariable String eventId) {
        String requestId = GatewayErrors.requestId(request);
        Optional<Agent> agent;
        try {
            agent = authenticator.authenticate(ProxyExchange.Request.of(request, null, request.getPath()));
        } catch (RuntimeException e) {
            LOG.warn("authentication unavailable, denying request {}: {}", requestId, e.getClass().getSimpleName());
            return error(503, "authentication_unavailable", "authentication unavailable (fail-closed)", requestId);
        }
        if (agent.isEmpty()) {
            metrics.authFailure();
            return error(401, "authentication_failed", "missing, unknown or revoked credentials", requestId);
        }
        UUID id;
        try {
            id = Ids.parse("event id", eventId);
        } catch (InvalidInputException e) {
            return error(400, "invalid_request", e.getMessage(), requestId);
        }
        Optional<LedgerRow> charge;
        try {
            charge = ledger.find(id).filter(row -> row.agentId().equals(agent.get().id()));
        } catch (StorageUnavailableException e) {
            LOG.warn("ledger unavailable, request {}: {}", requestId, e.getMessage());
            return error(503, "ledger_unavailable", "the ledger cannot be read now; retry later", requestId);
        }
        if (charge.isEmpty()) {
            return error(404, "not_found", "no charge of yours with event id " + id + " is in the ledger", requestId);
        }
        return HttpResponse.ok(new ReceiptBody(receipts.issue(charge.get()), id.toString())).header("X-Request-ID", requestId);
    }

    private static HttpResponse<ErrorBody> error(int status, String code, String message, String requestId) {
        return HttpResponse.<ErrorBody>status(io.micronaut.http.HttpStatus.valueOf(status)).header("X-Request-ID", requestId)
                .body(new ErrorBody(code, message, requestId));
    }
}
