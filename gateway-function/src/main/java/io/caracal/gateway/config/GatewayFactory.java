package io.caracal.gateway.config;

import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.store.AgentStore;
import io.caracal.core.store.AllowlistStore;
import io.caracal.core.store.Database;
import io.caracal.core.store.ApiKeyStore;
import io.caracal.core.store.HoldStore;
import io.caracal.core.store.PolicyStore;
import io.caracal.core.store.PricebookStore;
import io.caracal.core.store.RedisBudgetCounters;
import io.caracal.core.store.RedisConnections;
import io.caracal.gateway.auth.ApiKeyAuthenticator;
import io.caracal.gateway.health.Readiness;
import io.caracal.gateway.proxy.Proxy;
import io.caracal.gateway.replay.ReplayGuard;
import io.caracal.gateway.target.SsrfGuard;
import io.caracal.gateway.target.Targets;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Wires the plain pipeline classes; the only place the gateway knows about Micronaut beans. */
@Factory
public class GatewayFactory {

    @Singleton
    @Bean(preDestroy = "shutdown")
    RedisClient redisClient(@Value("${caracal.redis.uri}") String uri) {
        return RedisConnections.client(uri);
    }

    @Singleton
    @Bean(preDestroy = "close")
    StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }

    @Singleton
    BudgetEngine budgetEngine(AgentStore agents, PolicyStore policies, PricebookStore prices, HoldStore holds,
                              StatefulRedisConnection<String, String> redis, Clock clock) {
        return new BudgetEngine(agents, policies, prices, holds, new RedisBudgetCounters(redis), clock);
    }

    @Context // created at start-up, so uptime counts from then
    Readiness readiness(Database database, StatefulRedisConnection<String, String> redis, Clock clock) {
        return new Readiness(database, redis, clock);
    }

    @Singleton
    Proxy proxy(ApiKeyStore keys, AgentStore agents, AllowlistStore allowlists, BudgetEngine engine, List<UpstreamSettings> upstreams,
                GatewaySettings settings, StatefulRedisConnection<String, String> redis, Clock clock) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(settings.getRequestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        Optional<ReplayGuard> replay = settings.isReplayProtection()
                ? Optional.of(new ReplayGuard(redis, clock, settings.getReplayWindow(), settings.getReplaySkew()))
                : Optional.empty();
        Optional<Targets> targets = settings.isTargetUrls()
                ? Optional.of(new Targets(allowlists, SsrfGuard.system(settings.isAllowPrivateTargets())))
                : Optional.empty();
        return new Proxy(new ApiKeyAuthenticator(keys, agents), replay, targets, engine, upstreams, client, settings.getRequestTimeout(),
                settings.getHoldTtl());
    }
}
