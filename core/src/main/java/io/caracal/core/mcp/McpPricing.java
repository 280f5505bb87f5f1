package io.caracal.core.mcp;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.Money;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.core.pricing.Prices;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What MCP calls cost, from the pricebook, with v0.3's keys (reference §7.2) each first scoped by the upstream's
 * name: a tool is priced by {@code mcp.<server>.tool.<tool>}, else {@code mcp.tool.<tool>}, else
 * {@code mcp.<server>.tool.default}, else {@code mcp.tool.default}; a resource likewise by
 * {@code resource.<type>} then {@code resource.default} (type from the URI's scheme: file, http, database,
 * s3, unknown), plus its size in MiB times {@code resource.<type>.per_mb} where that is set. Unlike v0.3, a
 * missing price is no price (the call is refused, never priced at zero by omission or at a built-in fee),
 * while a price of 0 set on purpose is a price.
 */
public final class McpPricing {
    private static final BigDecimal BYTES_PER_MIB = BigDecimal.valueOf(1L << 20);

    private final Prices prices;

    public McpPricing(Prices prices) {
        this.prices = prices;
    }

    /** A tool call's price and the pricebook key it came from. */
    public record PricedTool(String key, Money price) {
    }

    /**
     * A resource read's price: {@code base} per read, plus {@code perMb} per MiB read when the pricebook sets one
     * (then {@code perMbKey} is its key, and both prices are in one currency).
     */
    public record PricedResource(String key, Money base, String perMbKey, Money perMb) {
        public PricedResource {
            if ((perMbKey == null) != (perMb == null)) {
                throw new IllegalArgumentException("a per-MiB price needs its key, and a key its price");
            }
            if (perMb != null && !perMb.currency().equals(base.currency())) {
                throw new InvalidInputException("cannot price a resource read: " + key + " is in " + base.currency()
                        + " but " + perMbKey + " is in " + perMb.currency());
            }
        }

        /** What to hold before the read: the base price, since the size is known only from the answer. */
        public Money estimate() {
            return base;
        }

        /** What a read of {@code bytes} costs: base + bytes / 2^20 x perMb, computed exactly and rounded up to 9 places. */
        public Money actual(long bytes) {
            if (bytes < 0) {
                throw new InvalidInputException("a resource's size cannot be negative, got " + bytes);
            }
            if (perMb == null) {
                return base;
            }
            // 2^20 divides a power of ten, so the quotient is exact and only the final scale rounds.
            BigDecimal bySize = perMb.amount().multiply(BigDecimal.valueOf(bytes)).divide(BYTES_PER_MIB);
            return new Money(base.amount().add(bySize).setScale(Money.SCALE, RoundingMode.CEILING), base.currency());
        }
    }

    /** The price of one call of {@code tool} on {@code server} in force at {@code at}, or empty when there is none. */
    public Optional<PricedTool> tool(String server, String tool, Instant at) {
        return first(at, scoped(server, "tool." + tool, "tool.default")).map(found -> new PricedTool(found.key, found.price));
    }

    /** The price of reading {@code uri} from {@code server} in force at {@code at}, or empty when it has no base price. */
    public Optional<PricedResource> resource(String server, String uri, Instant at) {
        String type = "resource." + ResourceType.of(uri).label();
        Optional<Found> perMb = first(at, scoped(server, type + ".per_mb"));
        return first(at, scoped(server, type, "resource.default")).map(base -> new PricedResource(base.key, base.price,
                perMb.map(Found::key).orElse(null), perMb.map(Found::price).orElse(null)));
    }

    /** Each name under the server's own prefix, then under the global one, names in order. */
    private static List<String> scoped(String server, String... names) {
        return Arrays.stream(names).flatMap(name -> Stream.of("mcp." + server + "." + name, "mcp." + name)).toList();
    }

    private record Found(String key, Money price) {
    }

    /**
     * The first key with a price in force. A key the pricebook would refuse or change (a tool name with a
     * space, say) can hold no price: it is passed over, so such a tool gets the default price if there is one.
     */
    private Optional<Found> first(Instant at, List<String> keys) {
        for (String key : keys) {
            if (isPriceable(key)) {
                Optional<Money> price = prices.priceOf(key, at);
                if (price.isPresent()) {
                    return Optional.of(new Found(key, price.get()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isPriceable(String key) {
        try {
            return PriceDraft.resourceKey(key).equals(key);
        } catch (InvalidInputException e) {
            return false;
        }
    }
}
