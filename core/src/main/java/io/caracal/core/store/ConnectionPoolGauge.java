package io.caracal.core.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.function.ToIntFunction;

/**
 * {@code caracal_database_connection_pool_size{state}}: the connections of the process's pool, active (lent out)
 * and idle, so their sum is the pool's size; Hikari's own binder adds the rest ({@code hikaricp_connections_*}).
 */
public final class ConnectionPoolGauge {
    private ConnectionPoolGauge() {
    }

    public static void register(DataSource dataSource, MeterRegistry registry) {
        HikariDataSource pool;
        try {
            pool = dataSource.unwrap(HikariDataSource.class);
        } catch (SQLException notHikari) {
            return; // only Hikari pools are configured (micronaut-jdbc-hikari); a test's plain data source has no pool to gauge
        }
        gauge(registry, pool, "active", HikariPoolMXBean::getActiveConnections);
        gauge(registry, pool, "idle", HikariPoolMXBean::getIdleConnections);
    }

    private static void gauge(MeterRegistry registry, HikariDataSource pool, String state, ToIntFunction<HikariPoolMXBean> count) {
        // The MX bean exists once the pool has started, which Hikari does lazily on first use.
        Gauge.builder("caracal.database.connection.pool.size", pool, p -> p.getHikariPoolMXBean() == null ? 0 : count.applyAsInt(p.getHikariPoolMXBean()))
                .description("Connections in the pool").tag("state", state).register(registry);
    }
}
