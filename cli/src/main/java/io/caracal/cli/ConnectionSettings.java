package io.caracal.cli;

import io.caracal.core.error.InvalidInputException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the CLI's database is. The seeds' variables (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD) win;
 * then the {@code database:} section of the config file; with neither, the CLI uses a local PostgreSQL that
 * keeps its data under the Caracal home directory, where its distribution has one ({@link LocalServices}).
 */
public record ConnectionSettings(String host, int port, String database, String user, String password) {

    public static final String DEFAULT_DATABASE = "caracal";
    /** The user of the local PostgreSQL: the superuser an embedded server is initialised with. */
    public static final String LOCAL_USER = "postgres";

    /** Null host means "no external database configured": the distribution's local one, if it has one ({@link LocalServices}). */
    public boolean embedded() {
        return host == null;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public ConnectionSettings withHostAndPort(String newHost, int newPort) {
        return new ConnectionSettings(newHost, newPort, database, user, password);
    }

    @Override
    public String toString() {
        // Never the password: this ends up in messages.
        return embedded() ? "local embedded PostgreSQL" : user + "@" + host + ":" + port + "/" + database;
    }

    public static ConnectionSettings resolve(Map<String, String> env, Path configFile, boolean configFileRequired) {
        Map<String, Object> fromFile = ConfigFile.section(configFile, "database", configFileRequired);
        String host = firstNonBlank(env.get("DB_HOST"), string(fromFile.get("host")));
        if (host == null) {
            return new ConnectionSettings(null, 0, DEFAULT_DATABASE, LOCAL_USER, "");
        }
        String port = firstNonBlank(env.get("DB_PORT"), string(fromFile.get("port")), "5432");
        return new ConnectionSettings(host, parsePort("database", port),
                firstNonBlank(env.get("DB_NAME"), string(fromFile.get("name")), DEFAULT_DATABASE),
                firstNonBlank(env.get("DB_USER"), string(fromFile.get("user")), "caracal"),
                // A password is taken as given: spaces may be part of it.
                env.getOrDefault("DB_PASSWORD", Objects.requireNonNullElse(string(fromFile.get("password")), "")));
    }

    static int parsePort(String what, String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidInputException(what + " port must be a number from 1 to 65535, got '" + text + "'");
    }

    static String string(Object value) {
        return value == null ? null : value.toString();
    }

    static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }
}
