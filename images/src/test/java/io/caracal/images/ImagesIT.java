package io.caracal.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.core.audit.AuditWriter;
import io.caracal.core.event.Topics;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.embedded.FreePorts;
import io.caracal.embedded.SharedServices;
import io.caracal.infra.images.ImageConfig;
import io.caracal.infra.images.ImageDefinition;
import io.caracal.infra.kubernetes.Manifests;
import io.caracal.testing.ChildProcess;
import io.caracal.testing.ConsumerStart;
import io.caracal.testing.GatewayStart;
import io.caracal.testing.ServiceEnvironment;
import io.caracal.testing.TestDatabase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The images infra/images/build.sh builds (from the jars this build packaged, into a buildah storage of the module's
 * own), checked from the built images: each one's configuration against images.conf and the Helm chart, its files,
 * and its entrypoint started in its own root filesystem (buildah run, chroot isolation: no container runtime needed)
 * as the chart's user, against the embedded PostgreSQL, Redis and Kafka.
 */
class ImagesIT {
    /** A cold JVM in a chroot on a machine the rest of the build shares. */
    private static final Duration START = Duration.ofSeconds(120);
    /** What the chart gives every Caracal container (jvm.toolOptions), smaller: the machine is shared. */
    private static final Map<String, String> JVM = Map.of("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:TieredStopAtLevel=1");

    static Path repo;
    static Map<String, ImageDefinition> images;
    static String tag;
    static JsonNode chartValues;
    static Buildah buildah;
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    static void build() throws IOException {
        Buildah.requireInstalled();
        repo = Path.of(System.getProperty("caracal.root", "..")).toAbsolutePath().normalize();
        images = ImageDefinition.read(repo.resolve("infra/images/images.conf")).stream()
                .collect(Collectors.toMap(ImageDefinition::name, i -> i, (a, b) -> a, LinkedHashMap::new));
        tag = Manifests.YAML.readTree(repo.resolve("infra/helm/caracal/Chart.yaml").toFile()).path("appVersion").asText();
        chartValues = Manifests.YAML.readTree(repo.resolve("infra/helm/caracal/values.yaml").toFile());
        buildah = new Buildah(Path.of("target", "buildah").toAbsolutePath());
        // Its output, with each step's time and the images' sizes, stays in target/build-images.log.
        try (ChildProcess build = ChildProcess.start("build-images",
                List.of("bash", repo.resolve("infra/images/build.sh").toString(), "--no-package"), buildah.buildEnvironment())) {
            assertEquals(0, build.awaitExit(Duration.ofMinutes(15)), build.output());
        }
        buildah.removeLeftovers();
    }

    @AfterEach
    void removeContainers() {
        containers.forEach(buildah::remove);
    }

    private static String image(String name) {
        return images.get(name).repository() + ":" + tag;
    }

    @Test
    void eachImageStartsItsJarAsTheChartsNonRootUserAndExposesItsPorts() {
        JsonNode pod = chartValues.path("podSecurityContext");
        String chartUser = pod.path("runAsUser").asInt() + ":" + pod.path("runAsGroup").asInt();
        for (ImageDefinition definition : images.values()) {
            ImageConfig config = buildah.inspect(image(definition.name()));
            String name = definition.name();
            assertEquals(definition.entrypoint(), config.entrypoint(), name);
            assertEquals(List.of(), config.cmd(), name + ": arguments come from the deployment, not the image");
            assertEquals(chartUser, config.user(), name + " runs as the chart's runAsUser and runAsGroup");
            assertTrue(config.uid() > 0, name + " runs as root");
            assertEquals(definition.ports().stream().map(p -> p + "/tcp").collect(Collectors.toCollection(TreeSet::new)), config.exposedPorts(), name);
            assertEquals(ImageDefinition.APP, config.workingDir(), name);
            assertEquals("/opt/java", config.env().get("JAVA_HOME"), name);
            assertEquals(tag, config.labels().get("org.opencontainers.image.version"), name);
        }
    }

    /**
     * Every file of every image belongs to root and none but /tmp is writable by the images' user: a read-only root
     * filesystem (the chart's readOnlyRootFilesystem) takes nothing from a process that could write only /tmp, where
     * the chart mounts a volume.
     */
    @Test
    void theImagesUserCanWriteOnlyTmp() throws IOException {
        for (ImageDefinition definition : images.values()) {
            ImageConfig config = buildah.inspect(image(definition.name()));
            String container = buildah.from(image(definition.name()));
            containers.add(container);
            Path root = buildah.mount(container);
            assertTrue(Files.readString(root.resolve("etc/passwd")).contains("caracal:x:" + config.user() + ":"), definition.name());
            List<String> writable = new ArrayList<>();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (writableBy(file, config.uid())) {
                        writable.add("/" + root.relativize(file));
                    }
                }
            }
            assertEquals(List.of("/tmp"), writable, definition.name());
            assertEquals(01777, mode(root.resolve("tmp")), definition.name() + ": /tmp is everyone's, each one's files their own");
        }
    }

    private static boolean writableBy(Path file, int uid) throws IOException {
        int mode = mode(file);
        int owner = (int) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int group = (int) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        return !Files.isSymbolicLink(file) && ((owner == uid && (mode & 0200) != 0) || (group == uid && (mode & 020) != 0) || (mode & 02) != 0);
    }

    private static int mode(Path file) throws IOException {
        return (int) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** The image's entrypoint, followed by {@code arguments}, in a working container of the image, as its user. */
    private ChildProcess startInImage(String name, Map<String, String> environment, String... arguments) {
        ImageConfig config = buildah.inspect(image(name));
        String container = buildah.from(image(name));
        containers.add(container);
        Map<String, String> all = new HashMap<>(environment);
        all.putAll(JVM);
        List<String> command = new ArrayList<>(config.entrypoint());
        command.addAll(List.of(arguments));
        String log = Stream.concat(Stream.of(name, "image"), Stream.of(arguments).limit(2)).collect(Collectors.joining("-"));
        return ChildProcess.start(log, buildah.run(container, config.user(), all, command), Map.of());
    }

    @Test
    void theGatewayImageServesHealthReadinessAndMetrics() {
        int port = FreePorts.next();
        int metricsPort = FreePorts.next();
        try (ChildProcess gateway = startInImage("gateway", GatewayStart.environment("gateway_image", port, metricsPort))) {
            GatewayStart.awaitReady(gateway, port, metricsPort);
            assertEquals(143, gateway.stop(Duration.ofSeconds(60)), "ended by SIGTERM after its shutdown hook:\n" + gateway.output());
            assertEquals(List.of(), gateway.errorLines(), gateway.output());
        }
    }

    @Test
    void theMcpAdapterImageServesHealth() {
        int port = FreePorts.next();
        String server = "http://127.0.0.1:" + FreePorts.next() + "/mcp";
        try (ChildProcess adapter = startInImage("mcp-adapter", GatewayStart.mcpAdapterEnvironment("mcp_adapter_image", port, server))) {
            GatewayStart.awaitLive(adapter, port);
            assertEquals(143, adapter.stop(Duration.ofSeconds(60)), adapter.output());
        }
    }

    @Test
    void theConsumerImagesMigrateAnEmptyDatabaseAndJoinTheirGroups() {
        int metricsPort = FreePorts.next();
        Map<String, String> metricsPortEnvironment = Map.of("METRICS_PORT", Integer.toString(metricsPort), "METRICS_HOST", "127.0.0.1");
        Map<String, String> groups = Map.of("ledger", LedgerWriter.GROUP, "metrics", SpendAggregator.GROUP, "audit", AuditWriter.GROUP);
        for (Map.Entry<String, String> consumer : groups.entrySet()) {
            String function = consumer.getKey();
            Map<String, String> extra = function.equals("metrics") ? metricsPortEnvironment : Map.of();
            try (ChildProcess process = ConsumerStart.awaitRunning(startInImage(function, ConsumerStart.environment(function, extra)),
                    function, consumer.getValue())) {
                if (function.equals("metrics")) {
                    process.awaitOk(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"), Duration.ofSeconds(30));
                }
                assertEquals(0, TestDatabase.pendingMigrations(ConsumerStart.database(function)), function);
                assertEquals(143, process.stop(Duration.ofSeconds(60)), function + ":\n" + process.output());
                assertEquals(List.of(), process.errorLines(), process.output());
            }
        }
    }

    /**
     * The seeds' Compose walk-through idles the CLI container (`sleep infinity`) and runs `exec cli caracal ...` in it:
     * the CLI image has both commands on its PATH, as its user.
     */
    @Test
    void theCliImageHasSleepAndACaracalCommandForComposeExec() {
        ImageConfig config = buildah.inspect(image("cli"));
        assertTrue(config.env().getOrDefault("PATH", "").startsWith("/usr/local/bin:"), config.env().toString());
        String container = buildah.from(image("cli"));
        containers.add(container);
        try (ChildProcess sleep = ChildProcess.start("cli-image-sleep", buildah.run(container, config.user(), JVM, List.of("sleep", "0")), Map.of())) {
            assertEquals(0, sleep.awaitExit(START), sleep.output());
        }
        try (ChildProcess help = ChildProcess.start("cli-image-caracal", buildah.run(container, config.user(), JVM, List.of("caracal", "--help")), Map.of())) {
            assertEquals(0, help.awaitExit(START), help.output());
            assertTrue(help.output().contains("Usage: caracal"), help.output());
        }
    }

    /** The chart's setup Job: its steps are the CLI image's entrypoint with these arguments. */
    @Test
    void theCliImageRunsTheSetupJobsSteps() throws Exception {
        SharedServices.postgres().createDatabase("cli_image");
        Map<String, String> environment = ServiceEnvironment.of("cli_image");
        List<List<String>> steps = List.of(List.of("db", "init"), List.of("db", "migrate", "up"),
                List.of("kafka", "create-topics", "--partitions", "1", "--replication-factor", "1", "--min-insync-replicas", "1"));
        for (List<String> step : steps) {
            try (ChildProcess cli = startInImage("cli", environment, step.toArray(String[]::new))) {
                assertEquals(0, cli.awaitExit(START), String.join(" ", step) + ":\n" + cli.output());
            }
        }
        assertEquals(0, TestDatabase.pendingMigrations("cli_image"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedServices.kafka().bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get();
            assertTrue(topics.containsAll(Topics.ALL), "topics: " + topics);
        }
    }
}
