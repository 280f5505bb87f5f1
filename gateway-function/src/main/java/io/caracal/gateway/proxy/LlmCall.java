package io.caracal.gateway.proxy;

import io.caracal.core.llm.LlmRequest;
import io.caracal.core.llm.ModelRates;
import io.caracal.core.llm.ReportedUsage;
import io.caracal.core.llm.SseMeter;
import io.caracal.core.llm.TokenUsage;
import io.caracal.core.money.Money;
import io.caracal.core.receipt.Receipt;
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
final class LlmCall implements PricedCall {
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

    @Override
    public byte[] body() {
        return request.body();
    }

    String currencyCode() {
        return rates.currency().code();
    }

    /** What the ledger keeps of the call, so that its charge can be recomputed: model, price version, bound. */
    @Override
    public Map<String, String> metadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", request.model());
        metadata.put(Receipt.PRICE_VERSION, rates.priceVersion());
        metadata.put("max_output_tokens", Long.toString(outputBound));
        if (clampedFrom != null) {
            metadata.put("clamped_from", Long.toString(clampedFrom));
        }
        return metadata;
    }

    /**
     * Meters the answer: a stream event by event (its usage comes in its last events); a JSON body whole. The
     * usage is priced at this call's rates; an answer that reports none is charged the hold.
     */
    @Override
    public AnswerMeter meter(boolean eventStream) {
        return eventStream ? new StreamMeter(SseMeter.limitedTo(request.api(), request.usageInjected(), outputBound)) : new JsonMeter();
    }

    private Map<String, String> usageMetadata(Optional<TokenUsage> usage) {
        Map<String, String> metadata = new LinkedHashMap<>();
        usage.ifPresentOrElse(u -> metadata.putAll(u.metadata()), () -> metadata.put("usage", "not_reported"));
        return metadata;
    }

    private final class JsonMeter implements AnswerMeter {
        private final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        private Optional<TokenUsage> usage = Optional.empty();

        @Override
        public byte[] accept(byte[] chunk) {
            body.writeBytes(chunk);
            return new byte[0];
        }

        @Override
        public byte[] finish() {
            byte[] whole = body.toByteArray();
            usage = ReportedUsage.ofJson(request.api(), whole);
            return whole;
        }

        @Override
        public Optional<Money> cost(Money held) {
            return Optional.of(usage.map(rates::cost).orElse(held));
        }

        @Override
        public Map<String, String> metadata() {
            return usageMetadata(usage);
        }
    }

    private final class StreamMeter implements AnswerMeter {
        private final SseMeter sse;

        StreamMeter(SseMeter sse) {
            this.sse = sse;
        }

        @Override
        public byte[] accept(byte[] chunk) {
            return sse.accept(chunk);
        }

        @Override
        public byte[] finish() {
            return sse.finish();
        }

        @Override
        public boolean pastHold() {
            return sse.pastLimit() || sse.unreadable();
        }

        @Override
        public byte[] cutTail() {
            return sse.cutTail(sse.unreadable() ? "caracal: the stream was cut at an event too large to meter"
                    : "caracal: the stream was cut at the " + outputBound + " output tokens held for it");
        }

        @Override
        public Optional<Money> cost(Money held) {
            return Optional.of(sse.usage().map(rates::cost).orElse(held));
        }

        @Override
        public Map<String, String> metadata() {
            return usageMetadata(sse.usage());
        }
    }

}
