package io.caracal.gateway.proxy;

import io.caracal.core.llm.LlmRequest;
import io.caracal.core.llm.ModelRates;
import io.caracal.core.llm.ReportedUsage;
import io.caracal.core.llm.SseMeter;
import io.caracal.core.llm.TokenUsage;
import io.caracal.core.money.Money;
import io.caracal.gateway.config.UpstreamSettings;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A call to an LLM API priced from the provider's own usage: held for an upper bound of its cost (the body's size
 * as input tokens, its output bound at the dearest output price), charged what the provider reports at the prices
 * in force when the call started.
 */
final class LlmCall {
    private final LlmRequest request;
    private final ModelRates rates;
    private final UpstreamSettings upstream;
    private final long outputBound;
    private final Long clampedFrom;

    private LlmCall(LlmRequest request, ModelRates rates, UpstreamSettings upstream, long outputBound, Long clampedFrom) {
        this.request = request;
        this.rates = rates;
        this.upstream = upstream;
        this.outputBound = outputBound;
        this.clampedFrom = clampedFrom;
    }

    /**
     * The call as it will be forwarded: a request without an output bound gets the upstream's default for the
     * model, so that its hold bounds its cost; a stream is asked to report its usage.
     */
    static LlmCall of(LlmRequest request, ModelRates rates, UpstreamSettings upstream) {
        LlmRequest bounded = request;
        long bound;
        if (request.maxOutputTokens().isPresent()) {
            bound = request.maxOutputTokens().getAsLong();
        } else {
            bound = upstream.defaultMaxOutputTokens(rates.model());
            bounded = request.withMaxOutputTokens(bound);
        }
        return new LlmCall(bounded.withStreamUsage(), rates, upstream, bound, null);
    }

    Money estimate() {
        return rates.bound(request.inputTokenBound(), outputBound);
    }

    /**
     * This call with its output bound lowered to what {@code remaining} pays for, when clamping is on and that
     * is still at least the upstream's minimum; empty when the call must be denied instead.
     */
    Optional<LlmCall> within(BigDecimal remaining) {
        if (!upstream.isClamp() || outputBound == 0) {
            return Optional.empty();
        }
        long affordable = rates.affordableOutputTokens(remaining, request.inputTokenBound());
        if (affordable < upstream.getMinOutputTokens() || affordable >= outputBound) {
            return Optional.empty();
        }
        return Optional.of(new LlmCall(request.withMaxOutputTokens(affordable), rates, upstream, affordable,
                clampedFrom != null ? clampedFrom : outputBound));
    }

    byte[] body() {
        return request.body();
    }

    String currencyCode() {
        return rates.currency().code();
    }

    boolean stream() {
        return request.stream();
    }

    /** What the ledger keeps of the call, so that its charge can be recomputed: model, price version, bound. */
    Map<String, String> metadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", request.model());
        metadata.put("price_version", rates.priceVersion());
        metadata.put("max_output_tokens", Long.toString(outputBound));
        if (clampedFrom != null) {
            metadata.put("clamped_from", Long.toString(clampedFrom));
        }
        return metadata;
    }

    String priceVersion() {
        return rates.priceVersion();
    }

    /** The cost of a whole JSON answer: its reported usage at this call's prices; empty when it reports none. */
    Optional<Metered> meteredJson(byte[] body) {
        return ReportedUsage.ofJson(request.api(), body).map(this::metered);
    }

    Metered metered(TokenUsage usage) {
        return new Metered(rates.cost(usage), usage);
    }

    SseMeter streamMeter() {
        return SseMeter.of(request.api(), request.usageInjected());
    }

    /** Whether a stream has generated more than was held for: it is then cut where it stands. */
    boolean pastHold(SseMeter meter) {
        return meter.generatedTokensAtLeast() > outputBound;
    }

    /** A cost and the usage it was computed from. */
    record Metered(Money cost, TokenUsage usage) {
    }
}
