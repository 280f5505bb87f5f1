package io.caracal.gateway.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.agent.Agent;
import io.caracal.core.budget.BudgetDecision;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.budget.BudgetStoreUnavailableException;
import io.caracal.core.budget.Settlement;
import io.caracal.core.delegation.DelegationGrants;
import io.caracal.core.delegation.InvalidDelegationTokenException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.error.OverloadedException;
import io.caracal.core.error.StorageUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.core.allowlist.Allowlist;
import io.caracal.core.allowlist.Allowlists;
import io.caracal.core.budget.BudgetFigures;
import io.caracal.core.mcp.JsonRpcErrors;
import io.caracal.core.mcp.McpMessage;
import io.caracal.core.mcp.McpPricing;
import io.caracal.core.mcp.McpResources;
import io.caracal.core.mcp.ToolsListFilter;
import io.caracal.core.llm.LlmApi;
import io.caracal.core.llm.LlmRequest;
import io.caracal.core.llm.ModelPricebook;
import io.caracal.core.llm.ModelRates;
import io.caracal.core.llm.ProviderErrors;
import io.caracal.core.llm.SseMeter;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.pricing.Prices;
import io.caracal.core.ratelimit.RateLimiter;
import io.caracal.gateway.config.UpstreamType;
import io.caracal.gateway.receipt.Receipts;
import io.caracal.core.receipt.Receipt;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.body.CloseableAvailableByteBody;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import io.caracal.core.money.Money;
import io.caracal.gateway.auth.AgentAuthenticator;
import io.caracal.gateway.capacity.UpstreamPermits;
import io.caracal.gateway.config.UpstreamSettings;
import io.caracal.gateway.degraded.DegradedMode;
import io.caracal.gateway.metrics.GatewayMetrics;
import io.caracal.gateway.nonce.NonceGuard;
import io.caracal.gateway.target.Targets;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.client.ProxyHttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.netty.NettyHttpResponseBuilder;
import io.netty.buffer.ByteBufUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The proxy pipeline: authenticate, hold the estimate on every budget, forward, then settle to the actual cost
 * (or void when the upstream failed, timed out or could not be reached). Everything that cannot be checked
 * denies.
 */
public final class Proxy {
    private static final Logger LOG = LoggerFactory.getLogger(Proxy.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where an agent presents a delegation token its parent issued it (a compact JWS). */
    private static final String DELEGATION_HEADER = "X-Caracal-Delegation";

    private final AgentAuthenticator authenticator;
    private final Optional<NonceGuard> nonces;
    private final Optional<Targets> targets;
    private final Optional<DegradedMode> degraded;
    private final RateLimiter rateLimiter;
    private final UpstreamPermits permits;
    private final BudgetEngine engine;
    private final CallPricing pricing;
    private final GatewayMetrics metrics;
    private final Map<String, UpstreamSettings> upstreams = new HashMap<>();
    private final ProxyHttpClient client;
    private final Duration timeout;
    private final Duration holdTtl;
    private final Executor settling;
    private final Prices prices;
    private final ModelPricebook models;
    private final Clock clock;
    private final McpPricing mcpPrices;
    private final Allowlists allowlists;
    private final Receipts receipts;
    private final DelegationGrants delegations;

    public Proxy(AgentAuthenticator authenticator, Optional<NonceGuard> nonces, Optional<Targets> targets, Optional<DegradedMode> degraded,
                 RateLimiter rateLimiter, UpstreamPermits permits, Allowlists allowlists, Receipts receipts, DelegationGrants delegations,
                 BudgetEngine engine, Prices prices, GatewayMetrics metrics, Clock clock, List<UpstreamSettings> upstreams, ProxyHttpClient client,
                 Duration timeout, Duration holdTtl, Executor settling) {
        this.authenticator = authenticator;
        this.nonces = nonces;
        this.targets = targets;
        this.degraded = degraded;
        this.rateLimiter = rateLimiter;
        this.permits = permits;
        this.pricing = new CallPricing(prices, clock);
        this.metrics = metrics;
        this.engine = engine;
        upstreams.forEach(u -> this.upstreams.put(u.getName(), u));
        this.client = client;
        this.timeout = timeout;
        this.holdTtl = holdTtl;
        this.settling = settling;
        this.prices = prices;
        this.models = new ModelPricebook(prices);
        this.clock = clock;
        this.mcpPrices = new McpPricing(prices);
        this.allowlists = allowlists;
        this.receipts = receipts;
        this.delegations = delegations;
        upstreams.forEach(Proxy::checkBounds);
    }

    /** Output bounds that could never let a call through are a configuration mistake, refused at start. */
    private static void checkBounds(UpstreamSettings upstream) {
        if (upstream.getMinOutputTokens() < 1 || upstream.getDefaultMaxOutputTokens() < upstream.getMinOutputTokens()
                || upstream.getModelMaxOutputTokens().values().stream().anyMatch(bound -> bound == null || bound < upstream.getMinOutputTokens())) {
            throw new IllegalArgumentException("upstream " + upstream.getName() + ": min-output-tokens must be at least 1 and no output bound below it");
        }
    }

    /** Whether {@code name} is an upstream of type mcp, which the adapter's {@code /mcp/<name>} routes serve. */
    public boolean servesMcp(String name) {
        UpstreamSettings upstream = upstreams.get(name);
        return upstream != null && upstream.getType() == UpstreamType.MCP;
    }

    /** The whole answer in memory: for Lambda, which cannot stream and has nothing else to do meanwhile. */
    public ProxyExchange.Response handle(ProxyExchange.Request request) {
        HttpResponse<?> reply = handleStreaming(request, () -> false).join();
        return new ProxyExchange.Response(reply.code(), reply.getHeaders().asMap(), bodyOf(reply));
    }

    /** A reply's body read to its end: the upstream's stream, a metered stream, or the bytes of the gateway's own answer. */
    private static byte[] bodyOf(HttpResponse<?> reply) {
        if (!(reply instanceof NettyHttpResponseBuilder streamed && streamed.isStream())) {
            return reply.getBody(byte[].class).orElse(new byte[0]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        chunks(reply).doOnNext(bytes::writeBytes).blockLast();
        return bytes.toByteArray();
    }

    /** An upstream body as byte arrays, each of Netty's buffers released as soon as it is copied. */
    private static Flux<byte[]> chunks(HttpResponse<?> response) {
        if (!(response instanceof NettyHttpResponseBuilder streamed && streamed.isStream())) {
            return Flux.just(response.getBody(byte[].class).orElse(new byte[0]));
        }
        return Flux.from(streamed.toStreamHttpResponse()).map(content -> {
            try {
                return ByteBufUtil.getBytes(content.content());
            } finally {
                content.release();
            }
        });
    }

    /**
     * A request's whole body, for the upstream types whose calls are priced from it. Read on the request's
     * blocking thread; the server's size limit still applies while it is read.
     */
    private static byte[] bodyOf(io.micronaut.http.HttpRequest<?> source, String requestId) {
        if (!(source instanceof ServerHttpRequest<?> server)) {
            return source.getBody(byte[].class).orElse(new byte[0]);
        }
        try (CloseableAvailableByteBody body = server.byteBody().buffer().join()) {
            return body.toByteArray();
        } catch (CompletionException e) {
            if (bodyTooLarge(e)) {
                throw refusal(413, "request_too_large", "the request body is larger than this gateway accepts", requestId);
            }
            throw e;
        }
    }

    /**
     * The upstream's body streamed through as it arrives (the container gateway). A call priced by its headers
     * is settled when the upstream's status and headers are in, so nothing waits for the body; one priced from
     * its answer (LLM, MCP) when its answer has been read. If the client went away before the upstream answered
     * ({@code clientGone}), the hold is voided instead: nobody gets the answer.
     */
    public CompletableFuture<HttpResponse<?>> handleStreaming(ProxyExchange.Request request, BooleanSupplier clientGone) {
        long started = System.nanoTime();
        try {
            return process(request, clientGone).thenApply(reply -> {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                metrics.request(request.method(), reply.code(), took);
                LOG.atInfo().addKeyValue("method", request.method()).addKeyValue("upstream", request.upstream())
                        .addKeyValue("status", reply.code()).addKeyValue("duration_ms", took.toMillis()).log("request processed");
                return reply;
            });
        } finally {
            RequestLogContext.clear();
        }
    }

    /**
     * The request as named steps; each refuses by throwing a {@link Refusal} with the answer to send. No thread
     * waits for the upstream: the call is sent asynchronously, and its answer is settled on {@code settling}.
     */
    private CompletableFuture<HttpResponse<?>> process(ProxyExchange.Request request, BooleanSupplier clientGone) {
        String requestId = GatewayErrors.requestId(request.header("X-Request-ID"));
        RequestLogContext.request(requestId);
        HeldCall held;
        CompletableFuture<MutableHttpResponse<?>> sent;
        UpstreamType shape = UpstreamType.GENERIC;
        JsonNode rpcId = null;
        try {
            String target = request.header("X-Caracal-Target-URL");
            UpstreamSettings upstream = namedUpstream(request, target, requestId);
            if (upstream != null) {
                shape = upstream.getType();
            }
            Agent agent = authenticate(request, requestId);
            RequestLogContext.agent(agent.id().toString());
            checkNonce(request, agent, requestId);
            checkRate(agent, requestId);
            Optional<DelegationGrants.Grant> grant = delegation(request, agent, upstream, requestId);
            Destination destination = target != null ? target(agent, target, requestId) : upstream(request, upstream, requestId);
            PricedCall priced;
            Money estimate;
            if (upstream != null && upstream.getType() == UpstreamType.MCP) {
                McpCall mcp = mcpCall(request, upstream, agent, requestId);
                rpcId = mcp.id();
                if (mcp.estimate() == null) {
                    return forwardUnheld(request, destination, mcp, requestId);
                }
                priced = mcp;
                estimate = mcp.estimate();
            } else {
                LlmCall llm = llmCall(request, upstream, requestId);
                priced = llm;
                estimate = llm != null ? llm.estimate() : estimate(request, destination, requestId);
            }
            UpstreamPermits.Permit permit = upstreamPermit(requestId);
            try {
                held = hold(request, agent, grant, destination, estimate, priced, requestId, permit);
            } catch (RuntimeException e) {
                permit.close();
                throw e;
            }
            try {
                // fromDirect: the one response is passed on as it comes, without cancelling the stream of its body.
                // The timeout bounds the wait for the upstream's status and headers, not a body still streaming.
                byte[] body = held.priced == null ? null : held.priced.body();
                sent = Mono.<MutableHttpResponse<?>>fromDirect(client.proxy(upstreamRequest(request, destination, body))).timeout(timeout).toFuture();
            } catch (RuntimeException e) {
                // Never forwarded: the hold is voided, not left to be charged when it expires.
                held.close();
                if (e instanceof IllegalArgumentException) {
                    throw refusal(400, "invalid_request", "the request cannot be forwarded as it is", requestId);
                }
                throw e;
            }
        } catch (Refusal refusal) {
            return CompletableFuture.completedFuture(refusal.reply(shape, rpcId));
        }
        UpstreamType answerShape = shape;
        JsonNode answerId = rpcId;
        return sent.handleAsync((response, failure) -> {
            try (held) {
                if (failure != null) {
                    throw forwardFailure(failure, requestId);
                }
                if (clientGone.getAsBoolean()) {
                    discard(response);
                    throw refusal(GatewayMetrics.CLIENT_CLOSED, "client_closed_request", "the client went away before the upstream answered", requestId);
                }
                return held.priced != null ? settleMetered(held, response) : settle(held, response);
            } catch (Refusal refusal) {
                return refusal.reply(answerShape, answerId);
            }
        }, RequestLogContext.current().on(settling));
    }

    /**
     * The MCP message a request carries, checked and priced: a tool the agent's allowlist does not name, or one
     * without a price, is refused as a JSON-RPC error, never forwarded. GET (the server's own stream) and DELETE
     * (ending a session) pass through.
     */
    private McpCall mcpCall(ProxyExchange.Request request, UpstreamSettings upstream, Agent agent, String requestId) {
        if (!"POST".equalsIgnoreCase(request.method())) {
            return McpCall.passThrough(null);
        }
        byte[] body = bodyOf(request.source(), requestId);
        JsonNode json;
        try {
            json = McpMessage.json(body);
        } catch (InvalidInputException e) {
            throw refusal(400, "parse_error", e.getMessage(), requestId);
        }
        McpMessage message;
        try {
            message = McpMessage.of(json);
        } catch (InvalidInputException e) {
            throw refusal(400, "invalid_request", e.getMessage(), requestId);
        }
        String server = upstream.getName();
        java.time.Instant now = clock.instant();
        if (message instanceof McpMessage.ToolCall call) {
            allow(agent, McpResources.tool(server, call.tool()), call.id(), requestId);
            return McpCall.tool(call, body, mcpPrices.tool(server, call.tool(), now).orElseThrow(() ->
                    refusal(400, "price_not_found", "the pricebook has no price for tool '" + call.tool() + "' of " + server, requestId).forRpc(call.id())));
        }
        if (message instanceof McpMessage.ResourceRead read) {
            allow(agent, McpResources.resource(server, read.uri()), read.id(), requestId);
            return McpCall.resource(read, body, mcpPrices.resource(server, read.uri(), now).orElseThrow(() ->
                    refusal(400, "price_not_found", "the pricebook has no price for resource '" + read.uri() + "' of " + server, requestId).forRpc(read.id())));
        }
        if (message instanceof McpMessage.ToolsList list) {
            return McpCall.toolsList(list, body, McpResources.allowedTools(allowlist(agent, list.id(), requestId), server));
        }
        if (message instanceof McpMessage.Batch batch && batch.messages().stream().anyMatch(m -> !(m instanceof McpMessage.PassThrough))) {
            throw refusal(400, "invalid_request", "tools/call, resources/read and tools/list are checked one per request: send them unbatched", requestId);
        }
        return McpCall.passThrough(body);
    }

    private void allow(Agent agent, String resource, JsonNode id, String requestId) {
        if (!allowlist(agent, id, requestId).check(resource).allowed()) {
            throw refusal(403, "resource_not_allowed", "'" + resource + "' is not on this agent's allowlist", requestId).forRpc(id);
        }
    }

    private Allowlist allowlist(Agent agent, JsonNode id, String requestId) {
        try {
            return allowlists.allowlistOf(agent.id());
        } catch (RuntimeException e) {
            LOG.warn("allowlist unavailable, denying request {}: {}", requestId, e.getClass().getSimpleName());
            throw refusal(503, "allowlist_check_failed", "allowlist unavailable (fail-closed)", requestId).forRpc(id);
        }
    }

    /**
     * An MCP message that costs nothing, forwarded without a hold: its answer passes through untouched, except
     * that a tool list loses the tools the agent may not call.
     */
    private CompletableFuture<HttpResponse<?>> forwardUnheld(ProxyExchange.Request request, Destination destination, McpCall call, String requestId) {
        CompletableFuture<MutableHttpResponse<?>> sent;
        try {
            sent = Mono.<MutableHttpResponse<?>>fromDirect(client.proxy(upstreamRequest(request, destination, call.body()))).timeout(timeout).toFuture();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(refusal(400, "invalid_request", "the request cannot be forwarded as it is", requestId)
                    .reply(UpstreamType.MCP, call.id()));
        }
        return sent.handleAsync((response, failure) -> {
            try {
                if (failure != null) {
                    throw forwardFailure(failure, requestId);
                }
                Map<String, List<String>> headers = ForwardedHeaders.toClient(response.getHeaders().asMap());
                headers.put("X-Request-ID", List.of(requestId));
                if (!call.filtersToolList() || response.code() >= 400) {
                    return withHeaders(response, headers);
                }
                if (isEventStream(response)) {
                    ToolsListFilter.SseRewriter rewriter = call.listRewriter();
                    return new StreamedReply(response.code(), headers, chunks(response).map(rewriter::accept).concatWith(Mono.fromSupplier(rewriter::finish)));
                }
                MutableHttpResponse<byte[]> out = HttpResponse.status(response.code(), null);
                headers.forEach((name, values) -> values.forEach(value -> out.getHeaders().add(name, value)));
                return out.body(call.filterList(bodyOf(response)));
            } catch (Refusal refusal) {
                return refusal.reply(UpstreamType.MCP, call.id());
            }
        }, RequestLogContext.current().on(settling));
    }

    /**
     * The call as an LLM API call, priced from the provider's usage, when the upstream is typed and the request
     * is one of the APIs it prices; null for every other request (priced as a generic call).
     */
    private LlmCall llmCall(ProxyExchange.Request request, UpstreamSettings upstream, String requestId) {
        if (upstream == null || !upstream.getType().isLlm() || !"POST".equalsIgnoreCase(request.method())) {
            return null;
        }
        Optional<LlmApi> api = LlmApi.of(upstream.getType().provider(), request.path());
        if (api.isEmpty()) {
            return null;
        }
        try {
            LlmRequest parsed = LlmRequest.parse(api.get(), bodyOf(request.source(), requestId));
            ModelRates rates = models.ratesAt(parsed.model(), clock.instant()).orElseThrow(() ->
                    refusal(400, "model_not_priced", "the pricebook has no price for model '" + parsed.model() + "'", requestId));
            return LlmCall.of(parsed, rates, upstream);
        } catch (InvalidInputException e) {
            throw refusal(400, "invalid_request", e.getMessage(), requestId);
        }
    }

    /**
     * The upstream a request names, or null when it names a target URL instead. Answered before authentication: a
     * scanner's or a browser's stray paths (/favicon.ico) cost no credential lookup, and an upstream's name is
     * configuration, not a secret.
     */
    private UpstreamSettings namedUpstream(ProxyExchange.Request request, String target, String requestId) {
        if (target != null) {
            return null;
        }
        UpstreamSettings upstream = upstreams.get(request.upstream());
        if (upstream == null) {
            throw refusal(404, "unknown_upstream", "no upstream named '" + request.upstream() + "'", requestId);
        }
        return upstream;
    }

    private Agent authenticate(ProxyExchange.Request request, String requestId) {
        Optional<Agent> agent;
        try {
            agent = authenticator.authenticate(request);
        } catch (RuntimeException e) {
            // The stores behind authentication are down: nobody is authenticated (fail closed), but say why.
            LOG.warn("authentication unavailable, denying request {}: {}", requestId, e.getClass().getSimpleName());
            throw refusal(503, "authentication_unavailable", "authentication unavailable (fail-closed)", requestId);
        }
        if (agent.isEmpty()) {
            metrics.authFailure();
            throw refusal(401, "authentication_failed", "missing, unknown or revoked credentials", requestId);
        }
        return agent.get();
    }

    private void checkNonce(ProxyExchange.Request request, Agent agent, String requestId) {
        if (nonces.isEmpty()) {
            return;
        }
        Optional<String> rejected;
        try {
            rejected = nonces.get().check(agent.id(), request.header("X-Caracal-Nonce"), request.header("X-Caracal-Timestamp"));
        } catch (RuntimeException e) {
            LOG.warn("replay store unavailable, denying request {}: {}", requestId, e.getClass().getSimpleName());
            throw refusal(503, "replay_check_failed", "replay protection unavailable (fail-closed)", requestId);
        }
        if (rejected.isPresent()) {
            metrics.replayBlocked();
            throw refusal(403, "replay_rejected", rejected.get(), requestId);
        }
    }

    /**
     * An agent over its rate limit is refused before anything is held, with 429 and when to retry, which the
     * SDKs do by themselves. Whether it is over being unknown (Redis unreachable), it is refused with 503 like a
     * call the budget store cannot check; in degraded mode it goes on, and the allowance bounds what it can spend.
     */
    private void checkRate(Agent agent, String requestId) {
        Optional<Duration> wait;
        try {
            wait = rateLimiter.admit(agent.id());
        } catch (RuntimeException e) {
            if (degraded.isPresent()) {
                LOG.warn("rate limiter unavailable, request {} not rate limited (degraded mode): {}", requestId, e.getClass().getSimpleName());
                return;
            }
            LOG.warn("rate limiter unavailable, denying request {}: {}", requestId, e.getClass().getSimpleName());
            throw refusal(503, "rate_limit_check_failed", "rate limiter unavailable (fail-closed)", requestId);
        }
        if (wait.isPresent()) {
            metrics.rateLimited();
            throw refusal(429, "rate_limited", "this agent is over its rate limit", requestId).retryAfter(wait.get());
        }
    }

    /**
     * What a delegation token in {@code X-Caracal-Delegation} grants the caller: the call is then also held on the
     * token's budget. The caller authenticated as itself, so a token that cannot be honoured (not its own, expired,
     * revoked, badly signed, changed, or not allowing this operation: {@code mcp_tool} for an MCP upstream,
     * {@code api_call} otherwise) is 403, before anything is held; never ignored, so a call meant to spend under a
     * token never spends outside it.
     */
    private Optional<DelegationGrants.Grant> delegation(ProxyExchange.Request request, Agent agent, UpstreamSettings upstream, String requestId) {
        String token = request.header(DELEGATION_HEADER);
        if (token == null) {
            return Optional.empty();
        }
        String operation = upstream != null && upstream.getType() == UpstreamType.MCP ? "mcp_tool" : "api_call";
        String refused;
        try {
            return Optional.of(delegations.grant(agent.id(), token, operation));
        } catch (InvalidDelegationTokenException e) {
            refused = e.getMessage();
        } catch (RuntimeException e) {
            LOG.warn("delegation tokens cannot be checked, denying request {}: {}", requestId, e.getClass().getSimpleName());
            throw refusal(503, "delegation_check_failed", "delegation tokens cannot be checked now (fail-closed)", requestId);
        }
        metrics.delegationRefused();
        throw refusal(403, "delegation_refused", refused, requestId);
    }

    /** A permit to forward, taken before anything is held, so a call refused for want of one has nothing to undo. */
    private UpstreamPermits.Permit upstreamPermit(String requestId) {
        return permits.tryAcquire().orElseThrow(() -> {
            LOG.warn("request {} refused: MAX_INFLIGHT_UPSTREAM calls in flight", requestId);
            return refusal(503, "overloaded", "the gateway is overloaded; retry later", requestId).retryAfter(Duration.ofSeconds(1));
        });
    }

    private Destination target(Agent agent, String target, String requestId) {
        if (targets.isEmpty()) {
            throw refusal(400, "invalid_request", "X-Caracal-Target-URL is not enabled on this gateway; use a named upstream", requestId);
        }
        Targets.Verdict verdict;
        try {
            verdict = targets.get().check(agent.id(), target);
        } catch (RuntimeException e) {
            LOG.warn("allowlist unavailable, denying request {}: {}", requestId, e.getClass().getSimpleName());
            throw refusal(503, "allowlist_check_failed", "allowlist unavailable (fail-closed)", requestId);
        }
        if (!verdict.allowed()) {
            throw refusal(verdict.status(), verdict.error(), verdict.reason(), requestId);
        }
        return new Destination(verdict.uri(), Map.of(), null);
    }

    private static Destination upstream(ProxyExchange.Request request, UpstreamSettings upstream, String requestId) {
        try {
            return new Destination(upstreamUri(request, upstream), upstream.getHeaders(), upstream.getResource());
        } catch (InvalidInputException e) {
            throw refusal(400, "invalid_request", e.getMessage(), requestId);
        }
    }

    /** Every call is held for a positive amount, so no agent can spend by declaring its calls free. */
    private Money estimate(ProxyExchange.Request request, Destination destination, String requestId) {
        try {
            return pricing.estimate(request, destination.resource());
        } catch (InvalidInputException e) {
            throw refusal(400, "invalid_request", e.getMessage(), requestId);
        }
    }

    /**
     * Holds the estimate on every budget and records the decision, denials included (v0.3 published only the
     * allowed ones). While Redis or PostgreSQL is unreachable, degraded mode (when on) may allow the call on cached figures. An
     * LLM call that the budgets refuse is tried once more with its output bound clamped to what they can pay for.
     */
    private HeldCall hold(ProxyExchange.Request request, Agent agent, Optional<DelegationGrants.Grant> delegation, Destination destination,
                          Money estimate, PricedCall priced, String requestId, UpstreamPermits.Permit permit) {
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        metadata.put("request_id", requestId);
        delegation.ifPresent(d -> metadata.put("delegation_jti", d.claims().jti().toString()));
        Optional<BudgetPolicy> tokenBudget = delegation.map(DelegationGrants.Grant::budget);
        metadata.put("method", request.method());
        // The host only: a target URL's path can itself be a secret (webhook tokens).
        metadata.put("destination", destination.uri().getHost());
        BudgetEngine.HoldResult result;
        Optional<DegradedMode.Grant> grant = Optional.empty();
        while (true) {
            metadata.put("estimated_cost", estimate.amountText());
            if (priced != null) {
                metadata.putAll(priced.metadata());
            }
            Money asked = estimate;
            try {
                result = engine.holdForCall(agent, asked, holdTtl, metadata, tokenBudget);
                BudgetDecision made = result.decision();
                degraded.ifPresent(mode -> mode.remember(agent.id(), made));
            } catch (BudgetStoreUnavailableException | StorageUnavailableException e) {
                grant = degraded.flatMap(mode -> mode.tryAllow(agent.id(), asked));
                if (grant.isEmpty()) {
                    LOG.warn("{} unavailable, denying request {}: {}", e instanceof StorageUnavailableException ? "database" : "budget store",
                            requestId, e.getMessage());
                    throw refusal(503, "policy_evaluation_failed", "budget store unavailable (fail-closed)", requestId);
                }
                result = holdDegraded(agent, asked, metadata, tokenBudget, e instanceof BudgetStoreUnavailableException, requestId);
            } catch (OverloadedException e) {
                throw overloaded(e, requestId);
            } catch (InvalidInputException e) {
                // The engine's own bounds on an amount (an estimate too large to hold): the client's mistake.
                throw refusal(400, "invalid_request", e.getMessage(), requestId);
            }
            BudgetDecision decision = result.decision();
            Optional<LlmCall> clamped = decision.allowed() || !(priced instanceof LlmCall llm) || metadata.containsKey("clamped_from")
                    ? Optional.empty() : affordable(decision, llm.currencyCode()).flatMap(llm::within);
            if (clamped.isEmpty()) {
                break;
            }
            priced = clamped.get();
            estimate = clamped.get().estimate();
        }
        BudgetDecision decision = result.decision();
        metrics.decision(decision.allowed());
        if (!decision.allowed()) {
            throw new Refusal(403, "budget_exceeded", decision.reason(), requestId, decision);
        }
        return new HeldCall(agent, result, estimate, grant, metadata, requestId, priced, permit);
    }

    /**
     * A call degraded mode allowed: Redis unreachable, it is held without Redis; PostgreSQL unreachable, Redis still
     * counts it if it can, and the hold waits in the writer's journal. What it was allowed is given back to the
     * allowance when it ends up not held.
     */
    private BudgetEngine.HoldResult holdDegraded(Agent agent, Money estimate, Map<String, String> metadata, Optional<BudgetPolicy> tokenBudget,
                                                 boolean redisDown, String requestId) {
        DegradedMode mode = degraded.orElseThrow();
        BudgetEngine.HoldResult result;
        try {
            result = redisDown ? engine.holdUncheckedForCall(agent, estimate, holdTtl, metadata, tokenBudget)
                    : engine.holdDegradedForCall(agent, estimate, holdTtl, metadata, tokenBudget);
        } catch (OverloadedException e) {
            mode.charged(agent.id(), estimate.amount().negate());
            throw overloaded(e, requestId);
        } catch (RuntimeException e) {
            mode.charged(agent.id(), estimate.amount().negate());
            LOG.warn("degraded mode could not hold request {}: {}", requestId, e.getMessage());
            throw refusal(503, "policy_evaluation_failed", "budget store unavailable (fail-closed)", requestId);
        }
        if (!result.allowed()) {
            mode.charged(agent.id(), estimate.amount().negate());
        }
        return result;
    }

    /**
     * What the tightest of a refused call's budgets still has, in {@code currency} (the model's prices'): a
     * budget kept in another currency is converted at the pricebook's rate; without a rate nothing is clamped.
     */
    private Optional<BigDecimal> affordable(BudgetDecision decision, String currency) {
        BigDecimal least = null;
        for (BudgetFigures figures : decision.budgets()) {
            BigDecimal available = figures.available().max(BigDecimal.ZERO);
            if (!figures.currency().equals(currency)) {
                Optional<BigDecimal> rate = prices.rate(CurrencyCode.parse(figures.currency()), CurrencyCode.parse(currency), clock.instant());
                if (rate.isEmpty()) {
                    return Optional.empty();
                }
                available = available.multiply(rate.get());
            }
            least = least == null || available.compareTo(least) < 0 ? available : least;
        }
        return Optional.ofNullable(least);
    }

    /** More calls are waiting for the database than it takes in time: nothing was held, so the client may retry. */
    private static Refusal overloaded(OverloadedException e, String requestId) {
        LOG.warn("request {} refused: {}", requestId, e.getMessage());
        return refusal(503, "overloaded", "the gateway is overloaded; retry later", requestId).retryAfter(Duration.ofSeconds(1));
    }

    /** The answer for a call the upstream did not answer. */
    private Refusal forwardFailure(Throwable failure, String requestId) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (bodyTooLarge(cause)) {
            return refusal(413, "request_too_large", "the request body is larger than this gateway accepts", requestId);
        }
        if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
            return refusal(504, "upstream_timeout", "upstream did not answer within " + timeout.toSeconds() + " s", requestId);
        }
        if (cause instanceof HttpClientException) {
            return refusal(502, "upstream_unreachable", "upstream could not be reached", requestId);
        }
        if (cause instanceof IllegalArgumentException) {
            return refusal(400, "invalid_request", "the request cannot be forwarded as it is", requestId);
        }
        LOG.error("request {}: forwarding failed: {}", requestId, cause.toString());
        return refusal(502, "upstream_unreachable", "upstream could not be reached", requestId);
    }

    /**
     * Charges what the upstream answered: its reported cost, else the held amount. An upstream that failed, or
     * refused without saying it charged, is charged nothing (the hold is voided when the call's block ends).
     */
    private MutableHttpResponse<?> settle(HeldCall held, MutableHttpResponse<?> response) {
        int status = response.code();
        String reportedCost = response.getHeaders().get("X-Caracal-Actual-Cost");
        Map<String, List<String>> headers = clientHeaders(held, response);
        if (status >= 500 || (status >= 400 && reportedCost == null)) {
            return withHeaders(response, headers);
        }
        charge(held, CallPricing.actualCost(reportedCost, held.estimate, held.requestId), status, Map.of(), headers);
        return withHeaders(response, headers);
    }

    /** The upstream's headers that reach the client, with the request id and, in degraded mode, its warnings. */
    private static Map<String, List<String>> clientHeaders(HeldCall held, HttpResponse<?> response) {
        Map<String, List<String>> headers = ForwardedHeaders.toClient(response.getHeaders().asMap());
        headers.put("X-Request-ID", List.of(held.requestId));
        held.grant.ifPresent(grant -> {
            headers.put("X-Caracal-Degraded-Mode", List.of("true"));
            headers.put("X-Caracal-Cache-Age", List.of(Long.toString(grant.cacheAge().toSeconds())));
            headers.put("X-Caracal-Cache-Warning", List.of("Budget evaluated from cached figures: the budget store is unavailable"));
        });
        return headers;
    }

    /**
     * Records the charge of a served call and puts what the client is told of it (charged, remaining, the
     * charge's event id) into {@code headers}. From here on the hold is never voided: if the charge is not
     * recorded, the hold stays open, counts until it expires, and is then charged in full.
     */
    private void charge(HeldCall held, Money actual, int status, Map<String, String> metered, Map<String, List<String>> headers) {
        String requestId = held.requestId;
        held.metadata.put("status_code", Integer.toString(status));
        held.metadata.putAll(metered);
        held.keepOpen();
        Settlement settlement;
        try {
            settlement = engine.settle(held.result, actual, held.metadata);
        } catch (BudgetStoreUnavailableException e) {
            // The charge is committed in PostgreSQL; Redis takes it from there when it is rebuilt.
            LOG.warn("request {}: charge recorded, budget store not updated: {}", requestId, e.getMessage());
            settlement = null;
        } catch (RuntimeException e) {
            LOG.error("request {}: charge of {} for hold {} not recorded: {}", requestId, actual, held.holdId(), e.toString());
            headers.put("X-Caracal-Warning", List.of("charge not recorded"));
            return;
        }
        metrics.charged(actual);
        headers.put("X-Caracal-Charged", List.of(actual.amountText()));
        if (held.grant.isPresent()) {
            degraded.get().charged(held.agent.id(), actual.amount().subtract(held.estimate.amount()));
        }
        if (settlement == null) {
            return;
        }
        BigDecimal remaining = held.result.decision().remainingAfter(settlement);
        if (remaining != null) {
            headers.put("X-Caracal-Remaining-Budget", List.of(Money.plain(remaining)));
            headers.put("X-Caracal-Budget-Currency", List.of(held.result.decision().currency()));
        }
        headers.put("X-Caracal-Event-ID", List.of(settlement.eventId().toString()));
        try {
            headers.put("X-Caracal-Receipt", List.of(receipts.issue(settlement, held.metadata.get(Receipt.PRICE_VERSION))));
        } catch (RuntimeException e) {
            // The receipt key could not be registered (the database was down at start and still is): the charge
            // stands, and its receipt can be fetched by event id later.
            LOG.warn("request {}: no receipt issued: {}", held.requestId, e.getClass().getSimpleName());
        }
    }

    /**
     * Charges a call priced from its answer (an LLM call's reported usage, an MCP call's result): a JSON answer
     * is read whole first, so the charge can go in its headers; a stream is passed on as it comes and settled when
     * it ends (see {@link StreamCharge}). An error status from the upstream is not charged.
     */
    private HttpResponse<?> settleMetered(HeldCall held, MutableHttpResponse<?> response) {
        int status = response.code();
        Map<String, List<String>> headers = clientHeaders(held, response);
        if (status >= 400) {
            return withHeaders(response, headers);
        }
        if (isEventStream(response)) {
            held.handOverToStream();
            StreamCharge charge = new StreamCharge(held, status, held.priced.meter(true));
            // The stream is passed on and settled on other threads, after this request's own have moved on.
            RequestLogContext ids = RequestLogContext.current();
            Executor settlingLogged = ids.on(settling);
            Scheduler settlingScheduler = Schedulers.fromExecutor(settlingLogged);
            Flux<byte[]> body = chunks(response)
                    .map(ids.around(charge::forward))
                    .takeUntil(forwarded -> charge.cut)
                    .concatWith(Mono.fromCallable(charge::ended).subscribeOn(settlingScheduler))
                    .onErrorResume(failure -> Mono.fromCallable(() -> charge.broken(failure)).subscribeOn(settlingScheduler))
                    .doOnCancel(() -> settlingLogged.execute(charge::abandoned));
            return new StreamedReply(status, headers, body);
        }
        AnswerMeter meter = held.priced.meter(false);
        byte[] body = concat(meter.accept(bodyOf(response)), meter.finish());
        Optional<Money> cost = meter.cost(held.estimate);
        if (cost.isPresent()) {
            charge(held, cost.get(), status, meter.metadata(), headers);
        }
        MutableHttpResponse<byte[]> out = HttpResponse.status(status, null);
        headers.forEach((name, values) -> values.forEach(value -> out.getHeaders().add(name, value)));
        return out.body(body);
    }

    private static boolean isEventStream(HttpResponse<?> response) {
        String type = response.getHeaders().get("Content-Type");
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
    }

    /**
     * One streamed answer on its way to the client: metered as it comes, cut cleanly where it runs past its hold,
     * and settled exactly once — when it ends, breaks, or the client goes away — at what it reported or, when it
     * reported nothing, the held amount. Its charge ends the stream as SSE comments, since the headers went out
     * before the cost was known.
     */
    private final class StreamCharge {
        private final HeldCall held;
        private final int status;
        private final AnswerMeter meter;
        private final java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean cut;

        StreamCharge(HeldCall held, int status, AnswerMeter meter) {
            this.held = held;
            this.status = status;
            this.meter = meter;
        }

        byte[] forward(byte[] chunk) {
            byte[] out = meter.accept(chunk);
            if (meter.pastHold()) {
                cut = true;
                LOG.info("request {}: stream cut where it ran past its hold", held.requestId);
                return concat(out, meter.cutTail());
            }
            return out;
        }

        byte[] ended() {
            return concat(cut ? new byte[0] : meter.finish(), settle(cut ? "cut_at_hold" : "complete"));
        }

        byte[] broken(Throwable failure) {
            LOG.warn("request {}: the upstream's stream broke: {}", held.requestId, failure.toString());
            return settle("upstream_broke");
        }

        void abandoned() {
            settle("client_closed");
        }

        /** Charges the stream once, noting how it ended; returns the charge as SSE comments (empty when already settled). */
        private byte[] settle(String end) {
            if (!settled.compareAndSet(false, true)) {
                return new byte[0];
            }
            held.permit.close();
            Optional<Money> cost = meter.cost(held.estimate);
            if (cost.isEmpty()) {
                held.reopen();
                held.close();
                return new byte[0];
            }
            Map<String, String> metadata = new java.util.LinkedHashMap<>(meter.metadata());
            metadata.put("stream_end", end);
            Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            try {
                charge(held, cost.get(), status, metadata, headers);
            } catch (RuntimeException e) {
                LOG.error("request {}: stream not settled: {}", held.requestId, e.toString());
                return new byte[0];
            }
            ByteArrayOutputStream comments = new ByteArrayOutputStream();
            headers.forEach((name, values) -> values.forEach(value -> comments.writeBytes(SseMeter.comment(name + ": " + value))));
            return comments.toByteArray();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        if (first.length == 0) {
            return second;
        }
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** The upstream's response, body untouched, with exactly these headers. */
    private static MutableHttpResponse<?> withHeaders(MutableHttpResponse<?> response, Map<String, List<String>> headers) {
        MutableHttpHeaders out = response.getHeaders();
        for (String name : List.copyOf(out.names())) {
            out.remove(name);
        }
        headers.forEach((name, values) -> values.forEach(value -> out.add(name, value)));
        return response;
    }

    /** An upstream answer nobody will read: its stream is cancelled, which releases what was read of it. */
    private static void discard(MutableHttpResponse<?> response) {
        if (response instanceof NettyHttpResponseBuilder streamed && streamed.isStream()) {
            Flux.from(streamed.toStreamHttpResponse()).take(0).subscribe();
        }
    }

    /**
     * A call's hold from the moment it is placed: closing it voids the hold unless the call was settled (or its
     * settlement failed and the hold must go on counting until it expires), so every way out of the call that
     * does not charge releases what was held.
     */
    private final class HeldCall implements AutoCloseable {
        private final Agent agent;
        private final BudgetEngine.HoldResult result;
        private final Money estimate;
        private final Optional<DegradedMode.Grant> grant;
        private final Map<String, String> metadata;
        private final String requestId;
        /** The call as forwarded (an LLM call clamped, perhaps), or null for a call priced by its headers. */
        private final PricedCall priced;
        private final UpstreamPermits.Permit permit;
        private boolean open = true;
        /** A stream settles the hold and returns the permit when it ends, after this call's block has closed. */
        private boolean streaming;

        HeldCall(Agent agent, BudgetEngine.HoldResult result, Money estimate, Optional<DegradedMode.Grant> grant, Map<String, String> metadata,
                 String requestId, PricedCall priced, UpstreamPermits.Permit permit) {
            this.priced = priced;
            this.permit = permit;
            this.agent = agent;
            this.result = result;
            this.estimate = estimate;
            this.grant = grant;
            this.metadata = metadata;
            this.requestId = requestId;
        }

        UUID holdId() {
            return result.holdId();
        }

        /** The hold is no longer this call's to void: settled, or left to count until it expires. */
        void keepOpen() {
            open = false;
        }

        void handOverToStream() {
            keepOpen();
            streaming = true;
        }

        /** A stream whose answer turned out to be no charge: its hold is this call's to void again. */
        void reopen() {
            open = true;
        }

        @Override
        public void close() {
            if (open && result.holdId() != null) {
                open = false;
                release(result, requestId);
            }
            if (!streaming) {
                permit.close();
            }
        }
    }

    /**
     * A refusal: the answer to send instead of going on. Thrown by the steps, caught once by {@link #process},
     * which answers it in the shape the upstream's clients expect.
     */
    private static final class Refusal extends RuntimeException {
        private final int status;
        private final String code;
        private final String reason;
        private final String requestId;
        private final BudgetDecision decision;
        private JsonNode rpcId;
        /** Whole seconds for Retry-After; 0: none. */
        private long retryAfterSeconds;

        Refusal(int status, String code, String reason, String requestId, BudgetDecision decision) {
            super(null, null, false, false);
            this.status = status;
            this.code = code;
            this.reason = reason;
            this.requestId = requestId;
            this.decision = decision;
        }

        /**
         * The refusal as a JSON-RPC error: HTTP 200 when it answers a request (the MCP client then raises it as an
         * McpError with this code), 400 when the request could not be read.
         */
        private MutableHttpResponse<?> rpcError(JsonNode id) {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("error", code);
            data.put("request_id", requestId);
            if (decision != null && decision.remaining() != null) {
                data.put("remaining_budget", Money.plain(decision.remaining()));
                data.put("currency", decision.currency());
            }
            MutableHttpResponse<byte[]> response = HttpResponse.status(id != null ? 200 : 400, null);
            response.getHeaders().add("Content-Type", "application/json").add("X-Request-ID", requestId);
            return response.body(JsonRpcErrors.error(id, rpcCode(), reason, data));
        }

        private int rpcCode() {
            return switch (code) {
                case "parse_error" -> JsonRpcErrors.PARSE_ERROR;
                case "budget_exceeded" -> JsonRpcErrors.BUDGET_EXCEEDED;
                case "resource_not_allowed", "delegation_refused" -> JsonRpcErrors.NOT_ALLOWED;
                case "price_not_found" -> JsonRpcErrors.NO_PRICE;
                case "upstream_timeout", "upstream_unreachable" -> JsonRpcErrors.UPSTREAM_FAILED;
                default -> status >= 500 ? JsonRpcErrors.GATEWAY_UNAVAILABLE : JsonRpcErrors.INVALID_REQUEST;
            };
        }

        /** A refusal the client may retry after {@code wait}, said in whole seconds (at least one) in Retry-After. */
        Refusal retryAfter(Duration wait) {
            retryAfterSeconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            return this;
        }

        /** This refusal as the answer to the JSON-RPC request {@code id}. */
        Refusal forRpc(JsonNode id) {
            rpcId = id;
            return this;
        }

        /**
         * The gateway's error body, or for an LLM upstream the provider's own, so that its SDK raises its usual
         * exception; the request id and remaining budget go in the headers either way.
         */
        MutableHttpResponse<?> reply(UpstreamType shape, JsonNode id) {
            MutableHttpResponse<?> response = shaped(shape, id);
            if (retryAfterSeconds > 0) {
                response.getHeaders().add("Retry-After", Long.toString(retryAfterSeconds));
            }
            return response;
        }

        private MutableHttpResponse<?> shaped(UpstreamType shape, JsonNode id) {
            JsonNode answering = rpcId != null ? rpcId : id;
            if (shape == UpstreamType.MCP && (answering != null || status == 400)) {
                return rpcError(answering);
            }
            if (!shape.isLlm()) {
                return error(status, code, reason, requestId, decision);
            }
            ProviderErrors.Shaped shaped = ProviderErrors.shape(shape.provider(), status, code, reason);
            MutableHttpResponse<byte[]> response = HttpResponse.status(shaped.status(), null);
            response.getHeaders().add("Content-Type", "application/json").add("X-Request-ID", requestId);
            shaped.headers().forEach(response.getHeaders()::add);
            if (decision != null && decision.remaining() != null) {
                response.getHeaders().add("X-Caracal-Remaining-Budget", Money.plain(decision.remaining()));
            }
            return response.body(shaped.body());
        }
    }

    private static Refusal refusal(int status, String code, String message, String requestId) {
        return new Refusal(status, code, message, requestId, null);
    }

    /** Voids a hold; whatever fails here, the hold expires on its own, and the answer to the client stands. */
    private void release(BudgetEngine.HoldResult held, String requestId) {
        try {
            engine.voidHold(held);
        } catch (RuntimeException e) {
            LOG.warn("request {}: hold {} not voided; unless voided later it is charged at its held amount when it expires: {}", requestId, held.holdId(), e.toString());
        }
    }

    /** Micronaut stops a body at {@code micronaut.server.max-request-size}, also a chunked one mid-stream. */
    private static boolean bodyTooLarge(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ContentLengthExceededException || cause instanceof BufferLengthExceededException) {
                return true;
            }
        }
        return false;
    }

    /** Where a request goes, the headers the gateway adds there (a named upstream's credentials), and how it is priced. */
    private record Destination(URI uri, Map<String, String> injectedHeaders, String resource) {
    }

    /**
     * The upstream URL for a request: the configured base plus the request's path, still percent-encoded as it
     * arrived. A path that could leave the base — {@code .} or {@code ..} segments (bare or with {@code ;} parameters), or an encoded {@code /},
     * {@code \}, {@code ?} or {@code #} that a server might decode — is refused: the upstream's credentials
     * must only ever reach the paths under its base URL.
     */
    static URI upstreamUri(ProxyExchange.Request request, UpstreamSettings upstream) {
        String base = upstream.getUrl().toString().replaceAll("/+$", "");
        String raw = request.path() == null ? "" : request.path().replaceAll("^/+", "");
        for (String segment : raw.split("/", -1)) {
            String decoded;
            try {
                decoded = java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("malformed percent-encoding in the path");
            }
            // A dot segment with path parameters ("..;x") is not a dot segment to RFC 3986, but Tomcat-style
            // servers drop the parameters and then step up.
            String dots = decoded.contains(";") ? decoded.substring(0, decoded.indexOf(';')) : decoded;
            if (dots.equals(".") || dots.equals("..") || decoded.contains("/") || decoded.contains("\\")
                    || decoded.contains("?") || decoded.contains("#")) {
                throw new InvalidInputException("the path may not contain '.' or '..' segments (with or without ';' parameters) or encoded '/', '\\', '?' or '#'");
            }
        }
        try {
            return new URI(base + (raw.isEmpty() ? "" : "/" + raw) + (request.rawQuery() == null ? "" : "?" + request.rawQuery()));
        } catch (java.net.URISyntaxException e) {
            throw new InvalidInputException("the path or query is not a valid URL");
        }
    }

    /** The request to send upstream: the client's, body and all, or with {@code body} instead when it was rewritten. */
    private MutableHttpRequest<?> upstreamRequest(ProxyExchange.Request request, Destination destination, byte[] body) {
        // A request built in memory is already mutable (and refuses mutate()); a server request is wrapped.
        MutableHttpRequest<?> out = body != null ? io.micronaut.http.HttpRequest.create(HttpMethod.parse(request.method()), destination.uri().toString()).body(body)
                : (request.source() instanceof MutableHttpRequest<?> built ? built : request.source().mutate()).uri(destination.uri());
        MutableHttpHeaders headers = out.getHeaders();
        for (String name : List.copyOf(headers.names())) {
            headers.remove(name);
        }
        ForwardedHeaders.toUpstream(request.headers(), destination.injectedHeaders())
                .forEach((name, values) -> values.forEach(value -> headers.add(name, value)));
        if (body != null) {
            // The gateway reads this call's answer (its usage, its result): it must come uncompressed, whatever
            // the client accepts (the SDKs ask for gzip).
            headers.set("Accept-Encoding", "identity");
        }
        return out;
    }

    private static MutableHttpResponse<?> error(int status, String code, String message, String requestId, BudgetDecision decision) {
        ObjectNode body = JSON.createObjectNode().put("error", code).put("message", message).put("request_id", requestId);
        MutableHttpResponse<byte[]> response = HttpResponse.status(status, null);
        response.getHeaders().add("Content-Type", "application/json").add("X-Request-ID", requestId);
        if (decision != null) {
            body.put("remaining_budget", decision.remaining() == null ? null : Money.plain(decision.remaining()));
            body.put("currency", decision.currency());
            body.put("failed_policy_id", decision.failingPolicyId() == null ? null : decision.failingPolicyId().toString());
            if (decision.remaining() != null) {
                response.getHeaders().add("X-Caracal-Remaining-Budget", Money.plain(decision.remaining()));
            }
        }
        try {
            return response.body(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
