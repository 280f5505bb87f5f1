package io.caracal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.infra.docs.ConfigurationDoc;
import io.caracal.infra.tool.Tool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.v03.yml, the seed guide's Docker Compose deployment (seeds/000, "Docker Compose Deployment"), through
 * `docker-compose config` (Debian's docker-compose validates and resolves the file without a daemon): it is valid once
 * .env has the passwords and refused without them; it has the seed's services, Kafka in KRaft mode; the `cli`
 * service can run `caracal db init` against the bundled PostgreSQL; every Caracal container is connected to the
 * bundled services, hardened as in the Helm chart and given only documented variables.
 */
class ComposeTest {
    /** Passwords for the checks only (the shell's environment of `config`, as a filled-in .env would give them). */
    static final Map<String, String> PASSWORDS = Map.of("DB_PASSWORD", "db-password-of-the-test", "REDIS_PASSWORD", "redis-password-of-the-test");

    /** The services the seed's commands name (exec, logs), and the ones Caracal adds; no ZooKeeper, no schema registry. */
    static final Set<String> SEED_SERVICES = Set.of("postgres", "kafka", "cli", "ledger-writer", "metrics-aggregator", "audit-logger");
    static final Set<String> SERVICES = Set.of("postgres", "redis", "kafka", "gateway", "ledger-writer", "metrics-aggregator",
            "audit-logger", "mcp-adapter", "cli");

    static Path repo;
    static Compose compose;
    static JsonNode services;

    @BeforeAll
    static void resolve() {
        repo = Path.of(System.getProperty("caracal.root", "..")).toAbsolutePath().normalize();
        compose = new Compose(repo);
        services = compose.resolved(PASSWORDS).path("services");
    }

    @Test
    void configSucceedsWithThePasswordsAndNamesTheMissingOneWithout() {
        Tool.Run valid = compose.config(PASSWORDS);
        assertEquals(0, valid.exitCode(), valid.output());

        Tool.Run none = compose.config(Map.of());
        assertFalse(none.succeeded(), "docker-compose config passed without passwords: a default password is committed");
        assertTrue(none.output().contains("set DB_PASSWORD in .env"), none.output());
        Tool.Run noRedis = compose.config(Map.of("DB_PASSWORD", "db-password-of-the-test"));
        assertFalse(noRedis.succeeded(), "docker-compose config passed without REDIS_PASSWORD");
        assertTrue(noRedis.output().contains("set REDIS_PASSWORD in .env"), noRedis.output());
    }

    @Test
    void theServicesAreTheSeedsWithKafkaInKraftMode() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(new TreeSet<>(SERVICES), names);
        assertTrue(names.containsAll(SEED_SERVICES));

        JsonNode kafka = services.path("kafka").path("environment");
        assertTrue(kafka.path("KAFKA_PROCESS_ROLES").asText().contains("controller"), "Kafka is not its own KRaft controller");
        assertTrue(kafka.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText().endsWith("@kafka:9093"), kafka.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText());
        assertTrue(kafka.path("KAFKA_ZOOKEEPER_CONNECT").isMissingNode(), "Kafka is told of a ZooKeeper");
        assertFalse(kafka.path("CLUSTER_ID").asText().isEmpty(), "KRaft needs a cluster id");
        // The seed's `exec kafka kafka-topics --bootstrap-server localhost:9092 --list` needs Confluent's tools on the PATH.
        assertTrue(services.path("kafka").path("image").asText().startsWith("confluentinc/cp-kafka:"), services.path("kafka").path("image").asText());
    }

    /** `docker-compose -f docker-compose.v03.yml exec cli caracal db init`: the cli service stays up, reaching PostgreSQL as its owner. */
    @Test
    void theCliServiceCanInitialiseTheDatabase() {
        JsonNode cli = services.path("cli");
        assertTrue(cli.path("image").asText().startsWith("caracal/cli:"), cli.path("image").asText());
        assertEquals(List.of("sleep", "infinity"), texts(cli.path("entrypoint")), "the cli service must keep running for `exec cli caracal ...`");
        JsonNode env = cli.path("environment");
        JsonNode postgres = services.path(env.path("DB_HOST").asText());
        assertTrue(postgres.path("image").asText().startsWith("postgres:"), "DB_HOST " + env.path("DB_HOST") + " is not the PostgreSQL service");
        assertEquals("5432", env.path("DB_PORT").asText());
        JsonNode server = postgres.path("environment");
        assertEquals(server.path("POSTGRES_DB").asText(), env.path("DB_NAME").asText());
        assertEquals(server.path("POSTGRES_USER").asText(), env.path("DB_USER").asText());
        assertEquals(server.path("POSTGRES_PASSWORD").asText(), env.path("DB_PASSWORD").asText());
        assertEquals(PASSWORDS.get("DB_PASSWORD"), env.path("DB_PASSWORD").asText(), "the password is not the .env's");
        assertEquals("service_healthy", cli.at("/depends_on/postgres/condition").asText(), "`db init` may run before PostgreSQL accepts connections");
        assertTrue(texts(postgres.at("/healthcheck/test")).toString().contains("pg_isready"), "PostgreSQL has no health check");
        assertTrue(sharesANetwork(cli, postgres), "cli and postgres share no network");
    }

    @Test
    void everyCaracalServiceReachesTheBundledServicesAndIsHardened() {
        Map<String, JsonNode> caracal = caracalServices();
        assertEquals(Set.of("gateway", "ledger-writer", "metrics-aggregator", "audit-logger", "mcp-adapter", "cli"), caracal.keySet());
        JsonNode kafka = services.path("kafka").path("environment");
        for (Map.Entry<String, JsonNode> e : caracal.entrySet()) {
            String name = e.getKey();
            JsonNode service = e.getValue();
            JsonNode env = service.path("environment");
            assertEquals("postgres", env.path("DB_HOST").asText(), name);
            assertEquals("redis", env.path("REDIS_HOST").asText(), name);
            assertEquals(services.at("/redis/environment/REDISCLI_AUTH").asText(), env.path("REDIS_PASSWORD").asText(), name + ": not Redis's password");
            String bootstrap = env.path("KAFKA_BOOTSTRAP_SERVERS").asText();
            assertTrue(kafka.path("KAFKA_ADVERTISED_LISTENERS").asText().contains("PLAINTEXT://" + bootstrap), name + ": Kafka does not advertise " + bootstrap);

            assertEquals("10001:10001", service.path("user").asText(), name + " runs as another user than the chart's");
            assertTrue(service.path("read_only").asBoolean(), name + ": writable root filesystem");
            assertTrue(texts(service.path("tmpfs")).stream().anyMatch(t -> t.startsWith("/tmp")), name + ": no writable /tmp");
            assertEquals(List.of("ALL"), texts(service.path("cap_drop")), name + " keeps capabilities");
            assertTrue(texts(service.path("security_opt")).contains("no-new-privileges:true"), name + " may gain privileges");
            for (String dependency : fieldNames(service.path("depends_on"))) {
                assertEquals("service_healthy", service.at("/depends_on/" + dependency + "/condition").asText(), name + " -> " + dependency);
                assertFalse(services.at("/" + dependency + "/healthcheck/test").isMissingNode(), dependency + " has no health check to wait for");
                assertTrue(sharesANetwork(service, services.path(dependency)), name + " cannot reach " + dependency);
            }
        }
        assertTrue(fieldNames(caracal.get("gateway").path("depends_on")).containsAll(List.of("postgres", "redis", "kafka")));
        assertEquals(List.of("mcp"), texts(caracal.get("mcp-adapter").path("profiles")), "the MCP adapter needs its servers: it starts on request");
    }

    @Test
    void environmentVariablesAreTheDocumentedOnes() {
        Set<String> passed = new TreeSet<>();
        caracalServices().values().forEach(s -> passed.addAll(fieldNames(s.path("environment"))));
        assertTrue(passed.containsAll(List.of("DB_PASSWORD", "MERKLE_SIGNING_KEY_PATH", "METRICS_PORT", "CARACAL_MCP_SERVERS")), passed.toString());
        assertEquals(Set.of(), ConfigurationDoc.undocumented(repo, passed), "passed to a Caracal container but not in docs/configuration.md");
    }

    /**
     * Every function's /metrics can be scraped from this machine, as docs/monitoring.md gives the ports: METRICS_PORT
     * set, the container listening on every interface (no METRICS_HOST narrowing it), that port published on
     * 127.0.0.1, and no host port published twice.
     */
    @Test
    void everyFunctionsMetricsPortIsPublishedOnThisMachinesLoopback() {
        Map<String, String> metricsPorts = Map.of("gateway", "9090", "ledger-writer", "9092", "metrics-aggregator", "9091", "audit-logger", "9093");
        metricsPorts.forEach((name, port) -> {
            JsonNode env = services.path(name).path("environment");
            assertEquals(port, env.path("METRICS_PORT").asText(), name + ": METRICS_PORT");
            assertEquals("0.0.0.0", env.path("METRICS_HOST").asText("0.0.0.0"), name + ": METRICS_HOST keeps /metrics inside the container");
            List<String> ports = texts(services.path(name).path("ports"));
            assertTrue(ports.stream().anyMatch(published -> published.matches("127\\.0\\.0\\.1:\\d+:" + port + "(/tcp)?")),
                    name + ": /metrics (" + port + ") is not published on 127.0.0.1: " + ports);
        });
        List<String> hostPorts = new ArrayList<>();
        services.forEach(service -> service.path("ports").forEach(published -> hostPorts.add(published.isObject()
                ? published.path("published").asText() : published.asText().replaceAll("^(?:[\\d.]+:)?(\\d+):.*$", "$1"))));
        assertEquals(new TreeSet<>(hostPorts).size(), hostPorts.size(), "a host port is published twice: " + hostPorts);
    }

    /** .env.v03.example names every variable the file reads, and holds no secret: the passwords are left empty. */
    @Test
    void theEnvExampleNamesEveryVariableAndNoSecret() throws IOException {
        Set<String> read = new TreeSet<>();
        Matcher variable = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(Files.readString(repo.resolve(Compose.FILE)));
        while (variable.find()) {
            read.add(variable.group(1));
        }
        Map<String, String> example = new LinkedHashMap<>();
        for (String line : Files.readAllLines(repo.resolve(Compose.ENV_EXAMPLE))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                example.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        assertEquals(read, new TreeSet<>(example.keySet()), "the variables of " + Compose.FILE + " and of " + Compose.ENV_EXAMPLE);
        for (Map.Entry<String, String> e : example.entrySet()) {
            if (e.getKey().matches(".*(PASSWORD|TOKEN|SECRET)$")) {
                assertEquals("", e.getValue(), Compose.ENV_EXAMPLE + " holds a value for " + e.getKey());
            }
        }
        String ignored = Files.readString(repo.resolve(".gitignore"));
        assertTrue(ignored.contains("/.env\n") && ignored.contains("/keys/\n"), ".env and keys/ must be ignored by git");
    }

    /** docs/deploy/local.md's docker-compose commands name services of the file. */
    @Test
    void theLocalGuideNamesTheServices() throws IOException {
        String guide = Files.readString(repo.resolve("docs/deploy/local.md"));
        Matcher command = Pattern.compile("docker-compose -f docker-compose\\.v03\\.yml (?:--profile \\w+ )?(exec(?: -T)?|logs(?: -f)?|restart|stop|start|up -d|run --rm) ([a-z-]+)").matcher(guide);
        List<String> problems = new ArrayList<>();
        int found = 0;
        while (command.find()) {
            found++;
            if (services.path(command.group(2)).isMissingNode()) {
                problems.add(command.group() + ": no service " + command.group(2));
            }
        }
        assertTrue(found >= 8, "expected the guide's commands, found " + found);
        assertTrue(guide.contains("docker-compose -f docker-compose.v03.yml exec cli caracal db init"), "the seed's `db init` step is missing");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static Map<String, JsonNode> caracalServices() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        services.fields().forEachRemaining(e -> {
            if (e.getValue().path("image").asText().startsWith("caracal/")) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private static boolean sharesANetwork(JsonNode a, JsonNode b) {
        List<String> theirs = fieldNames(b.path("networks"));
        return fieldNames(a.path("networks")).stream().anyMatch(theirs::contains);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
