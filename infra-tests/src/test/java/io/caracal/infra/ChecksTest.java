package io.caracal.infra;

import io.caracal.infra.terraform.Checks;
import io.caracal.infra.terraform.Checks.Violation;
import io.caracal.infra.terraform.Tree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks fail on what they are meant to catch: small fixture trees with one kind of mistake each
 * (src/test/resources/fixtures), and the real infra/terraform with one secret literal or one wildcard action added.
 */
class ChecksTest {

    @Test
    void aCleanTreePasses() throws Exception {
        assertEquals(List.of(), run(fixture("clean")));
    }

    @Test
    void secretLiteralsAreReported() throws Exception {
        List<Violation> v = run(fixture("secret-literal"));
        assertEquals(List.of("secret-literal"), rules(v).stream().distinct().toList(), v.toString());
        assertTrue(at(v, "main.tf:1").contains("db_password"), v.toString());       // a secret variable's default
        assertTrue(at(v, "main.tf:9").contains("password"), v.toString());          // an attribute
        assertTrue(at(v, "main.tf:14").contains("KAFKA_SASL_PASSWORD"), v.toString()); // an environment entry with text of its own
        assertTrue(at(v, "main.tf:17").contains("private key"), v.toString());      // a PEM block in a heredoc
        assertEquals(4, v.size(), v.toString());
    }

    @Test
    void wildcardActionsAreReported() throws Exception {
        List<Violation> v = run(fixture("wildcard-action"));
        assertEquals(List.of("iam-wildcard-action", "iam-wildcard-action"), rules(v), v.toString());
        assertTrue(v.get(0).message().contains("\"*\"") && v.get(1).message().contains("\"s3:*\""), v.toString());
    }

    @Test
    void wildcardResourcesAreReportedWhereANarrowerOneExists() throws Exception {
        List<Violation> v = run(fixture("wildcard-resource"));
        // The network-interface statement and the key policy are allowed their "*"; reading any secret is not.
        assertEquals(List.of("iam-wildcard-resource", "iam-negation", "iam-wildcard-principal"), rules(v), v.toString());
        assertTrue(v.get(0).message().startsWith("resource \"*\" for [secretsmanager:GetSecretValue],"), v.toString());
    }

    @Test
    void policiesMustBeReadableDocuments() throws Exception {
        assertEquals(List.of("iam-managed-policy", "iam-policy-document"), rules(run(fixture("inline-policy"))).stream().sorted().toList());
    }

    @Test
    void untypedVariablesAndUndescribedOutputsAreReported() throws Exception {
        assertEquals(List.of("output-description", "variable-description", "variable-type"),
                rules(run(fixture("untyped"))).stream().sorted().toList());
    }

    @Test
    void aLambdaFunctionNeedsItsOwnRoleAndATrigger() throws Exception {
        List<Violation> v = run(fixture("lambda-untriggered"));
        assertEquals(List.of("lambda-role", "lambda-trigger"), rules(v), v.toString());
        assertTrue(v.stream().allMatch(x -> x.message().contains("orphan")), v.toString());
    }

    @Test
    void aFunctionModuleUsedWithoutATriggerIsReportedWhereItIsUsed(@TempDir Path dir) throws Exception {
        Path tree = copy(fixture("clean"), dir);
        Path app = tree.resolve("modules/app/main.tf");
        String text = Files.readString(app);
        Files.writeString(app, text.substring(0, text.indexOf("resource \"aws_lambda_event_source_mapping\"")));
        List<Violation> v = run(tree);
        assertEquals(List.of("lambda-trigger"), rules(v), v.toString());
        assertTrue(v.get(0).where().contains("modules/app/main.tf") && v.get(0).message().contains("module.worker"), v.toString());
    }

    /** The repository's own tree passes (TerraformStructureTest); one added secret literal makes it fail. */
    @Test
    void addingASecretLiteralToTheRealTreeFails(@TempDir Path dir) throws Exception {
        Path tree = copy(realTree(), dir);
        Path stack = tree.resolve("modules/stack/main.tf");
        String text = Files.readString(stack);
        Files.writeString(stack, text.replace("    LOG_LEVEL = var.log_level\n", "    LOG_LEVEL   = var.log_level\n    DB_PASSWORD = \"Pr0duction-Passw0rd\"\n"));
        List<Violation> v = run(tree);
        assertEquals(List.of("secret-literal"), rules(v), v.toString());
        assertTrue(v.get(0).message().startsWith("DB_PASSWORD"), v.toString());
    }

    @Test
    void addingAWildcardActionToTheRealTreeFails(@TempDir Path dir) throws Exception {
        Path tree = copy(realTree(), dir);
        Path gateway = tree.resolve("modules/gateway/main.tf");
        String text = Files.readString(gateway);
        Files.writeString(gateway, text.replace("actions   = [\"kafka-cluster:WriteData\"]", "actions   = [\"kafka-cluster:*\"]"));
        List<Violation> v = run(tree);
        assertEquals(List.of("iam-wildcard-action"), rules(v), v.toString());
        assertTrue(v.get(0).where().contains("modules/gateway/main.tf"), v.toString());
    }

    private static List<Violation> run(Path root) {
        return Checks.run(Tree.load(root));
    }

    private static List<String> rules(List<Violation> v) {
        return v.stream().map(Violation::rule).toList();
    }

    private static String at(List<Violation> v, String where) {
        return v.stream().filter(x -> x.where().endsWith(where)).map(Violation::toString).collect(Collectors.joining("\n"));
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ChecksTest.class.getResource("/fixtures/" + name).toURI());
    }

    private static Path realTree() {
        return Path.of(System.getProperty("caracal.root", "..")).toAbsolutePath().normalize().resolve("infra/terraform");
    }

    /** A copy of a tree, symbolic links kept as links, .terraform working directories left out. */
    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.filter(p -> !p.toString().contains("/.terraform")).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
