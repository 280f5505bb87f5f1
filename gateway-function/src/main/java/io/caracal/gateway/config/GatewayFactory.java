package io.caracal.gateway.config;

import io.caracal.core.config.KafkaSettings;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.agent.AgentDirectory;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.allowlist.AllowlistCache;
import io.caracal.core.allowlist.AllowlistStore;
import io.caracal.core.event.OutboxStore;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.core.store.ChangeFeed;
import io.caracal.core.store.DatabaseOutage;
import io.caracal.core.store.Database;
import io.caracal.core.store.SharedRedis;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.budget.GroupCommitWriter;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.policy.ScopeCache;
import io.caracal.core.delegation.DelegationCache;
import io.caracal.core.delegation.DelegationGrants;
import io.caracal.core.delegation.DelegationKeyStore;
import io.caracal.core.delegation.RevocationStore;
import io.caracal.core.pricing.PriceCache;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.ratelimit.RateLimitCache;
import io.caracal.core.ratelimit.RateLimitStore;
import io.caracal.core.ratelimit.RateLimiter;
import io.caracal.core.budget.RedisBudgetCounters;
import io.caracal.gateway.auth.AgentAuthenticator;
import io.caracal.gateway.auth.ApiKeyAuthenticator;
import io.caracal.gateway.auth.EitherAuthenticator;
import io.caracal.gateway.auth.JwtAuthenticator;
import io.caracal.gateway.auth.MtlsAuthenticator;
import io.caracal.gateway.auth.NoAuthentication;
import io.caracal.gateway.degraded.DegradedMode;
import io.caracal.gateway.budget.BudgetSweep;
import io.caracal.gateway.capacity.ConnectionLimit;
import io.caracal.gateway.capacity.UpstreamPermits;
import io.caracal.core.health.DependencyCheck;
import io.caracal.core.health.Readiness;
import io.caracal.core.health.StoreChecks;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.gateway.metrics.GatewayMetrics;
import io.caracal.gateway.proxy.Proxy;
import io.caracal.gateway.nonce.NonceGuard;
import io.caracal.gateway.target.SsrfGuard;
import io.caracal.gateway.target.Targets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.exceptions.DisabledBeanException;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Singleton;

import java.util.concurrent.ExecutorService;

import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.ProxyHttpClient;
import io.micronaut.http.client.netty.DefaultHttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wires the plain pipeline classes; the only place the gateway knows about Micronaut beans. Only in a context
 * that runs the gateway (environment "gateway"): another process with the gateway on its classpath (the
 * dev-stack build running an admin command, a function in the same JVM) must not connect to Redis.
 */
@Factory
@Requires(env = "gateway")
public class GatewayFactory {
    @Singleton
    AgentDirectory agentDirectory(AgentStore agents, ApiKeyStore keys, ChangeFeed feed, Clock clock) {
        return new AgentDirectory(agents, keys, feed, ChangeFeed.CACHE_TTL, clock);
    }

    @Singleton
    ScopeCache scopeCache(PolicyStore policies, ChangeFeed feed, Clock clock) {
        return new ScopeCache(policies, feed, ChangeFeed.CACHE_TTL, clock);
    }

    @Singleton
    PriceCache priceCache(PricebookStore prices, ChangeFeed feed, Clock clock) {
        return new PriceCache(prices, feed, ChangeFeed.CACHE_TTL, clock);
    }

    @Singleton
    AllowlistCache allowlistCache(AllowlistStore allowlists, ChangeFeed feed, Clock clock) {
        return new AllowlistCache(allowlists, feed, ChangeFeed.CACHE_TTL, clock);
    }

    @Singleton
    RateLimitCache rateLimitCache(RateLimitStore limits, ChangeFeed feed, Clock clock) {
        return new RateLimitCache(limits, feed, ChangeFeed.CACHE_TTL, clock);
    }

    @Singleton
    DelegationCache delegationCache(DelegationKeyStore keys, RevocationStore revocations, PolicyStore policies, ChangeFeed feed, Clock clock) {
        return new DelegationCache(keys, revocations, policies, feed, ChangeFeed.CACHE_TTL, clock);
    }

    /**
     * MAX_CONNECTIONS, on every connection the Netty server accepts (it has no setting for it). The server's idle
     * timeout (IDLE_TIMEOUT_SECS) is checked here too: it counts a connection whose call waits for its upstream as
     * idle, so one shorter than that wait (REQUEST_TIMEOUT) would cut such calls off before they time out.
     */
    @Singleton
    BeanCreatedEventListener<NettyServerCustomizer.Registry> connectionLimit(GatewaySettings settings, HttpServerConfiguration server,
                                                                             GatewayMetrics metrics) {
        Duration idle = server.getIdleTimeout();
        if (!idle.isNegative() && idle.compareTo(settings.getRequestTimeout()) < 0) {
            throw new IllegalStateException("IDLE_TIMEOUT_SECS (" + idle.toSeconds() + " s) must not be shorter than REQUEST_TIMEOUT ("
                    + settings.getRequestTimeout().toSeconds() + " s): a connection waiting for its upstream's answer is idle meanwhile");
        }
        ConnectionLimit limit = new ConnectionLimit(settings.getMaxConnections(), metrics);
        return created -> {
            created.getBean().register(limit);
            return created.getBean();
        };
    }

    /**
     * The replica's one writer of holds and charges: what concurrent calls write goes to PostgreSQL in batches. With
     * degraded mode on, it keeps what PostgreSQL cannot take in a journal on local disk until it can.
     */
    @Singleton
    @Bean(preDestroy = "close")
    GroupCommitWriter groupCommitWriter(HoldStore holds, GatewaySettings settings, DatabaseOutage outage) {
        return new GroupCommitWriter(holds, settings.getWriteQueue(), settings.getWriteDeadline(),
                settings.getDegradedAllowance().signum() > 0 ? java.nio.file.Path.of(settings.getDegradedJournalDir()) : null, outage);
    }

    @Singleton
    BudgetEngine budgetEngine(AgentDirectory agents, ScopeCache scopes, PriceCache prices, HoldStore holds, GroupCommitWriter writer,
                              SharedRedis redis, Clock clock) {
        return new BudgetEngine(agents, scopes, prices, holds, writer, new RedisBudgetCounters(redis.sync()), clock);
    }

    @Singleton
    BudgetSweep budgetSweep(BudgetEngine engine) {
        return new BudgetSweep(engine);
    }

    /**
     * Once a second: the sweep costs an indexed query while no budget is waiting to be rebuilt and no call's hold
     * expired. Not in Lambda, where its thread would run only while some request is in flight:
     * BudgetSweepLambdaHandler sweeps there, on a schedule.
     */
    @Context
    @jakarta.inject.Named("budget-sweep")
    @Requires(notEnv = FunctionLauncher.LAMBDA)
    @Bean(preDestroy = "close")
    AutoCloseable budgetSweepSchedule(BudgetSweep sweep) {
        return sweep.every(Duration.ofSeconds(1));
    }

    /**
     * Degraded mode, when DEGRADED_MODE_ALLOWANCE is above zero: the proxy serves on it while Redis is away, and
     * /ready says whether it still can. Off, there is no such bean and both see an empty Optional.
     */
    @Singleton
    DegradedMode degradedMode(GatewaySettings settings, Clock clock) {
        if (settings.getDegradedAllowance().signum() <= 0) {
            throw new DisabledBeanException("degraded mode is off (DEGRADED_MODE_ALLOWANCE is 0)");
        }
        return new DegradedMode(new Money(settings.getDegradedAllowance(), CurrencyCode.parse(settings.getDegradedCurrency())),
                settings.getDegradedMaxAge(), clock);
    }

    /**
     * /ready: PostgreSQL and Redis. Either one down is degraded while degraded mode can still serve someone (through
     * a PostgreSQL outage the spend journal stands in for it), unhealthy otherwise (see {@link DegradedMode#serving()}).
     */
    @Context // created at start-up, so uptime counts from then
    Readiness readiness(Database database, SharedRedis redis, Optional<DegradedMode> degraded, Clock clock) {
        DependencyCheck.Fallback fallback = degraded.<DependencyCheck.Fallback>map(mode -> mode::serving).orElse(DependencyCheck.Fallback.NONE);
        return new Readiness(List.of(StoreChecks.database(database, fallback), StoreChecks.redis(redis, fallback)), clock);
    }

    /** The authenticator for the configured mode; a misconfigured mode stops the gateway from starting. */
    @Singleton
    AgentAuthenticator authenticator(AuthSettings auth, AgentDirectory agents, Clock clock) {
        return switch (auth.normalizedMode()) {
            case "api_key", "apikey" -> new ApiKeyAuthenticator(agents);
            case "jwt" -> jwt(auth, agents, clock);
            case "both" -> new EitherAuthenticator(jwt(auth, agents, clock), new ApiKeyAuthenticator(agents));
            case "mtls" -> mtls(auth, agents, clock);
            case "none" -> new NoAuthentication(agents);
            default -> throw new IllegalStateException("unknown AUTH_MODE '" + auth.getMode() + "' (one of api_key, jwt, both, mtls, none)");
        };
    }

    private static MtlsAuthenticator mtls(AuthSettings auth, AgentDirectory agents, Clock clock) {
        return new MtlsAuthenticator(agents, auth.clientAuthority(), java.util.Set.copyOf(auth.getTrustedProxies()), clock);
    }

    private static JwtAuthenticator jwt(AuthSettings auth, AgentDirectory agents, Clock clock) {
        boolean file = auth.getJwtPublicKeyPath() != null && !auth.getJwtPublicKeyPath().isBlank();
        boolean jwks = auth.getJwksUrl() != null && !auth.getJwksUrl().isBlank();
        if (file == jwks) {
            throw new IllegalStateException("JWT auth needs exactly one of JWT_PUBLIC_KEY_PATH or JWT_JWKS_URL");
        }
        return new JwtAuthenticator(agents, file ? JwtAuthenticator.keyFile(java.nio.file.Path.of(auth.getJwtPublicKeyPath()))
                : JwtAuthenticator.jwksUrl(auth.getJwksUrl()), auth.getIssuer(), auth.getAudience(), clock);
    }

    @Singleton
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    /**
     * Publishes the event outbox to Kafka, when Kafka is configured; until then events wait in PostgreSQL. Not in
     * Lambda, where its thread would run only while some request is in flight: OutboxRelayLambdaHandler relays there,
     * on a schedule.
     */
    @Context
    @Requires(property = KafkaSettings.BOOTSTRAP_SERVERS, pattern = ".+")
    @Requires(notEnv = FunctionLauncher.LAMBDA)
    @Bean(preDestroy = "close")
    OutboxRelay outboxRelay(KafkaSettings kafka, OutboxStore outbox) {
        return new OutboxRelay(outbox, kafka.connection(), kafka.getPartitions()).start(kafka.getRelayInterval());
    }

    /**
     * The client for every upstream: Netty's, with pooled keep-alive connections, HTTP/1.1 over plain HTTP (no h2c
     * upgrade offered), no redirects followed (a redirect goes back to the agent, whose allowlist must judge it). It
     * streams both bodies through without copying them; measured against the JDK's client, it cost a sixth of the
     * CPU per forwarded call (bench/RESULTS.md, issue 13). Its read timeout would also cut a response still streaming
     * (an LLM's answer can run for minutes), so it has none: the proxy bounds the wait for the upstream's answer
     * itself, and the client's idle timeout (five minutes between two reads) ends a stream that stalls.
     */
    @Singleton
    @jakarta.inject.Named("upstreams")
    @Bean(preDestroy = "close")
    DefaultHttpClient upstreamClient(GatewaySettings settings) {
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(settings.getRequestTimeout());
        configuration.setReadTimeout(null);
        configuration.setFollowRedirects(false);
        return (DefaultHttpClient) ProxyHttpClient.create(null, configuration);
    }

    @Context // built at start-up, so a misconfigured gateway (auth mode, keys) refuses to start instead of answering 500
    Proxy proxy(AgentAuthenticator authenticator, AllowlistCache allowlists, BudgetEngine engine, PriceCache prices, RateLimitCache rateLimits,
                DelegationCache delegations, AgentDirectory agents, GatewayMetrics metrics, List<UpstreamSettings> upstreams, GatewaySettings settings,
                SharedRedis redis, @jakarta.inject.Named(TaskExecutors.BLOCKING) ExecutorService blocking, Clock clock,
                @jakarta.inject.Named("upstreams") DefaultHttpClient client, io.caracal.gateway.receipt.Receipts receipts,
                Optional<DegradedMode> degraded) {
        Optional<NonceGuard> replay = settings.isReplayProtection()
                ? Optional.of(new NonceGuard(redis.sync(), clock, settings.getReplayWindow(), settings.getReplaySkew()))
                : Optional.empty();
        Optional<Targets> targets = settings.isTargetUrls()
                ? Optional.of(new Targets(allowlists, SsrfGuard.system(settings.isAllowPrivateTargets())))
                : Optional.empty();
        UpstreamPermits permits = new UpstreamPermits(settings.getMaxInflightUpstream());
        metrics.upstreamCallsInFlight(permits::inFlight);
        return new Proxy(authenticator, replay, targets, degraded, new RateLimiter(rateLimits, redis.sync()), permits, allowlists, receipts,
                new DelegationGrants(delegations, agents, clock), engine, prices,
                metrics, clock, upstreams, client, settings.getRequestTimeout(), settings.getHoldTtl(), blocking);
    }
}
