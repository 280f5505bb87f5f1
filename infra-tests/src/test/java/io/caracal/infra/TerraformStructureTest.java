package io.caracal.infra;

import io.caracal.infra.docs.ConfigurationDoc;
import io.caracal.infra.hcl.Body;
import io.caracal.infra.hcl.Expr;
import io.caracal.infra.terraform.Checks;
import io.caracal.infra.terraform.Tree;
import io.caracal.infra.tool.Tool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * infra/terraform as it is in the repository: every file parses, every rule of {@link Checks} holds, the files are
 * as `terraform fmt` writes them, and what the Terraform names from the code (topics, consumer groups, handler
 * classes, environment variables) is what the code has.
 */
class TerraformStructureTest {
    static final Tool TERRAFORM = new Tool("terraform", "Terraform 1.11+ (offline: `terraform fmt` downloads no provider)");

    static Path repo;
    static Path terraform;
    static Tree tree;

    @BeforeAll
    static void load() {
        repo = Path.of(System.getProperty("caracal.root", "..")).toAbsolutePath().normalize();
        terraform = repo.resolve("infra/terraform");
        tree = Tree.load(terraform);
    }

    @Test
    void everyModuleAndEnvironmentParses() {
        Set<String> dirs = tree.modules().stream().map(m -> terraform.relativize(m.dir()).toString()).collect(Collectors.toCollection(TreeSet::new));
        for (String expected : List.of("modules/network", "modules/secrets", "modules/msk", "modules/rds", "modules/elasticache",
                "modules/lambda_function", "modules/msk_trigger", "modules/schedule", "modules/gateway", "modules/consumers",
                "modules/alb", "modules/streaming_gateway", "modules/alarms", "modules/stack", "envs/dev", "envs/prod", "envs/shared")) {
            assertTrue(dirs.contains(expected), expected + " missing from " + dirs);
        }
        // The environments link to envs/shared for everything but main.tf, so dev and prod differ only in it.
        for (String env : List.of("envs/dev", "envs/prod")) {
            for (String shared : List.of("versions.tf", "variables.tf", "outputs.tf")) {
                Path link = terraform.resolve(env).resolve(shared);
                assertTrue(Files.isSymbolicLink(link), link + " should link to ../shared/" + shared);
                assertTrue(Files.exists(link), link + " is a broken link");
            }
        }
    }

    @Test
    void theTerraformKeepsEveryRule() {
        List<Checks.Violation> violations = Checks.run(tree);
        assertTrue(violations.isEmpty(), violations.size() + " violation(s):\n"
                + violations.stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    /** terraform is a prerequisite of the build (README): where it is missing this fails, never passes unchecked. */
    @Test
    void filesAreAsTerraformFmtWritesThem() {
        Tool.Run fmt = TERRAFORM.run(terraform, Map.of(), "fmt", "-check", "-recursive", "-diff", terraform.toString());
        assertEquals(0, fmt.exitCode(), "terraform fmt -check found files to reformat (run terraform fmt -recursive infra/terraform):\n" + fmt.output());
    }

    @Test
    void topicsAreTheCodes() throws IOException {
        Map<String, String> constants = stringConstants(repo.resolve("core/src/main/java/io/caracal/core/event/Topics.java"));
        Body msk = tree.module(terraform.resolve("modules/msk")).orElseThrow().files().stream()
                .filter(f -> f.path().endsWith("main.tf")).findFirst().orElseThrow().body();
        Body locals = msk.blocks("locals").get(0).body();
        List<String> eventTopics = strings(locals.attribute("event_topics").orElseThrow());
        String dlq = ((Expr.Str) locals.attribute("dlq_topic").orElseThrow()).value();
        List<String> terraformTopics = new ArrayList<>(eventTopics);
        terraformTopics.add(dlq);
        assertEquals(List.of(constants.get("METERING"), constants.get("POLICY_DECISIONS"), constants.get("AGENT_LIFECYCLE"),
                constants.get("POLICY_CHANGES"), constants.get("DLQ")), terraformTopics, "the msk module's topics and Topics.ALL differ");
        String failureTopic = ((Expr.Str) locals.attribute("esm_failure_topic").orElseThrow()).value();
        assertFalse(constants.containsValue(failureTopic), "the event source mappings' failure topic must not be one the code reads");
    }

    @Test
    void consumerGroupsAreTheCodes() throws IOException {
        String consumers = Files.readString(terraform.resolve("modules/consumers/main.tf"));
        for (String source : List.of("core/src/main/java/io/caracal/core/ledger/LedgerWriter.java",
                "core/src/main/java/io/caracal/core/spend/SpendAggregator.java", "core/src/main/java/io/caracal/core/audit/AuditWriter.java")) {
            String group = stringConstants(repo.resolve(source)).get("GROUP");
            assertTrue(group != null && consumers.contains("\"" + group + "\"") || consumers.contains("\"" + group + "."),
                    "consumer group " + group + " of " + source + " is not what modules/consumers subscribes with");
        }
    }

    /** Each handler is a variable's default, so the code may rename a handler if the variable follows. */
    @Test
    void handlerClassesAreTheCodes() throws IOException {
        Map<String, String> handlers = new java.util.TreeMap<>();
        for (Tree.Module m : tree.modules()) {
            for (Tree.Located v : m.blocks("variable")) {
                if (v.name().endsWith("handler") && v.block().body().attribute("default").orElse(null) instanceof Expr.Str s) {
                    handlers.put(s.value(), v.where());
                }
            }
        }
        assertEquals(8, handlers.size(), "expected the eight functions' handlers, found " + handlers);
        List<Path> sourceRoots;
        try (Stream<Path> dirs = Files.list(repo)) {
            sourceRoots = dirs.map(d -> d.resolve("src/main/java")).filter(Files::isDirectory).toList();
        }
        handlers.forEach((handler, where) -> {
            String file = handler.replace('.', '/') + ".java";
            Path source = sourceRoots.stream().map(r -> r.resolve(file)).filter(Files::exists).findFirst().orElse(null);
            assertTrue(source != null, where + ": handler " + handler + " is not in any module's sources");
            String code = read(source);
            assertTrue(code.contains("RequestStreamHandler") || code.contains("extends MskLambdaHandler")
                            || code.contains("extends ScheduledLambdaHandler") || code.contains("RequestHandler<"),
                    where + ": " + handler + " is not a Lambda handler");
        });
    }

    @Test
    void environmentVariablesAreTheCodes() {
        Set<String> passed = new TreeSet<>();
        for (Tree.Module m : tree.modules()) {
            for (Tree.Located locals : m.blocks("locals")) {
                for (Body.Attribute a : locals.block().body().attributes()) {
                    if (a.name().endsWith("_env") && a.value() instanceof Expr.Obj o) {
                        o.entries().forEach(e -> passed.add(e.name()));
                    }
                }
            }
        }
        assertTrue(passed.size() > 20, "expected the stack's *_env locals, found " + passed);
        assertEquals(Set.of(), ConfigurationDoc.undocumented(repo, passed), "passed to the functions but not in docs/configuration.md");
    }

    /**
     * The container gateway defaults to HTTPS and refuses to start without a certificate; behind the ALB, which
     * terminates TLS, the streaming gateway's task must ask for plain HTTP.
     */
    @Test
    void theStreamingGatewayListensPlainBehindTheLoadBalancer() {
        Map<String, String> streaming = new TreeMap<>();
        for (Tree.Module m : tree.modules()) {
            for (Tree.Located locals : m.blocks("locals")) {
                for (Body.Attribute a : locals.block().body().attributes()) {
                    if (a.name().equals("streaming_env") && a.value() instanceof Expr.Obj o) {
                        o.entries().forEach(e -> streaming.put(e.name(), e.value() instanceof Expr.Str str ? str.value() : e.value().text()));
                    }
                }
            }
        }
        assertEquals("false", streaming.get("TLS_ENABLED"), "streaming_env: " + streaming);
    }

    /**
     * A function gets each secret as the ARN of an X_SECRET_ARN variable, which the code resolves at start-up
     * (io.caracal.core.secret.SecretArns): the Terraform passes exactly the names the code reads, and the role of
     * every function given one may read that secret (the ARN's expression is among the stack's GetSecretValue lists).
     */
    @Test
    void secretArnVariablesAreTheCodesAndTheRolesMayReadThem() throws IOException {
        Set<String> read = new TreeSet<>();
        Matcher reference = Pattern.compile("new Reference\\(\"([A-Z_]+_SECRET_ARN)\"")
                .matcher(Files.readString(repo.resolve("core/src/main/java/io/caracal/core/secret/SecretArns.java")));
        while (reference.find()) {
            read.add(reference.group(1));
        }
        String stack = Files.readString(terraform.resolve("modules/stack/main.tf"));
        Map<String, String> passed = new java.util.TreeMap<>();
        Matcher assignment = Pattern.compile("(?m)^\\s*([A-Z_]+_SECRET_ARN)\\s*=\\s*(.+?)\\s*$").matcher(stack);
        while (assignment.find()) {
            passed.put(assignment.group(1), assignment.group(2));
        }
        assertEquals(read, passed.keySet(), "the *_SECRET_ARN variables of modules/stack and of SecretArns differ");
        List<String> grants = stack.lines().filter(line -> line.matches("\\s*(\\w+_)?secret_arns\\s*=.*")
                || line.matches("\\s*(gateway|ledger|metrics|audit|integrator|relay)\\s*=\\s*(local\\.shared_secret_arns|concat\\(local\\.shared_secret_arns).*")).toList();
        passed.forEach((name, arn) -> assertTrue(grants.stream().anyMatch(line -> line.contains(arn)),
                name + " = " + arn + " is in no function's secret_arns (the GetSecretValue grant of its role)"));
    }

    private static List<String> strings(Expr e) {
        return ((Expr.Tuple) e).items().stream().map(x -> ((Expr.Str) x).value()).toList();
    }

    private static Map<String, String> stringConstants(Path java) throws IOException {
        Map<String, String> out = new java.util.HashMap<>();
        Matcher m = Pattern.compile("static final String (\\w+) = \"([^\"]*)\";").matcher(Files.readString(java));
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        if (out.isEmpty()) {
            fail("no string constants in " + java);
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
