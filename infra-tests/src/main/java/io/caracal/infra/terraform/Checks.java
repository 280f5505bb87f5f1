package io.caracal.infra.terraform;

import io.caracal.infra.hcl.Body;
import io.caracal.infra.hcl.Body.Block;
import io.caracal.infra.hcl.Expr;
import io.caracal.infra.hcl.Parser;
import io.caracal.infra.terraform.Tree.Located;
import io.caracal.infra.terraform.Tree.Module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules infra/terraform keeps, checked on the parsed files without a provider: every variable typed and
 * described, every output described, every Lambda function with a role and a trigger, no IAM statement allowing a
 * wildcard action or a wildcard resource where a narrower one exists, and no secret written into a file.
 */
public final class Checks {

    public record Violation(String rule, String where, String message) {
        @Override
        public String toString() {
            return where + ": [" + rule + "] " + message;
        }
    }

    /**
     * Actions that may be granted on resource "*", and why: these take no narrower resource when they are called.
     * Any other action on "*" is a violation.
     */
    public static final Map<String, String> WILDCARD_RESOURCE_ACTIONS = Map.ofEntries(
            Map.entry("ec2:CreateNetworkInterface", "a VPC Lambda function creates its interfaces; they have no ARN before the call"),
            Map.entry("ec2:DeleteNetworkInterface", "Lambda deletes interfaces it created, whose ids no policy can know in advance"),
            Map.entry("ec2:AssignPrivateIpAddresses", "acts on those same Lambda-created interfaces"),
            Map.entry("ec2:UnassignPrivateIpAddresses", "acts on those same Lambda-created interfaces"),
            Map.entry("ec2:DescribeNetworkInterfaces", "EC2 Describe calls support no resource-level permissions"),
            Map.entry("ec2:DescribeSubnets", "EC2 Describe calls support no resource-level permissions"),
            Map.entry("ec2:DescribeVpcs", "EC2 Describe calls support no resource-level permissions"),
            Map.entry("ec2:DescribeSecurityGroups", "EC2 Describe calls support no resource-level permissions"),
            Map.entry("ecr:GetAuthorizationToken", "a registry login is account-wide; the image pulls are limited to one repository"));

    /** Resource types that trigger a Lambda function, and the attribute (a dotted path into nested blocks) that names it. */
    static final Map<String, String> TRIGGERS = Map.of(
            "aws_lambda_event_source_mapping", "function_name",
            "aws_apigatewayv2_integration", "integration_uri",
            "aws_lambda_permission", "function_name",
            "aws_lb_target_group_attachment", "target_id",
            "aws_scheduler_schedule", "target.arn",
            "aws_lambda_function_url", "function_name",
            "aws_cloudwatch_event_target", "arn");

    /** The argument that names the function in a call to a trigger module (a module of triggers and no function). */
    static final String TRIGGER_MODULE_ARGUMENT = "function_arn";

    /** Attributes that hold a policy document; they must come from a data "aws_iam_policy_document" this test reads. */
    static final Map<String, String> POLICY_ATTRIBUTES = Map.ofEntries(
            Map.entry("aws_iam_role", "assume_role_policy"),
            Map.entry("aws_iam_role_policy", "policy"),
            Map.entry("aws_iam_policy", "policy"),
            Map.entry("aws_iam_user_policy", "policy"),
            Map.entry("aws_iam_group_policy", "policy"),
            Map.entry("aws_kms_key", "policy"),
            Map.entry("aws_secretsmanager_secret_policy", "policy"),
            Map.entry("aws_sns_topic_policy", "policy"),
            Map.entry("aws_s3_bucket_policy", "policy"),
            Map.entry("aws_sqs_queue_policy", "policy"));

    private static final Pattern SECRET_WORD = Pattern.compile("(?i)password|passwd|secret|token|private_?key|api_?key|access_?key|signing_?key|credential");

    /**
     * Last words of a name that make it about a secret rather than the secret itself: its ARN, id, name, type, a
     * rotation strategy, a file path. {@code client_password_auth_type = "POSTGRES_SCRAM_SHA_256"} is no password.
     */
    private static final Set<String> NOT_SECRET_SUFFIXES = Set.of("arn", "arns", "id", "ids", "name", "names", "type", "strategy",
            "version", "days", "enabled", "length", "path", "file");

    /** What a key, wherever it is written, looks like. */
    private static final Pattern SECRET_TEXT = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----|\\b(AKIA|ASIA)[0-9A-Z]{16}\\b");

    /** After an interpolated secret ARN, what ECS takes to pick a JSON key: {@code ${arn}:password::}. */
    private static final Pattern JSON_KEY_SELECTOR = Pattern.compile("(:[\\w.-]*)+");

    private final Tree tree;
    private final List<Violation> violations = new ArrayList<>();

    private Checks(Tree tree) {
        this.tree = tree;
    }

    public static List<Violation> run(Tree tree) {
        Checks c = new Checks(tree);
        for (Module m : tree.modules()) {
            c.variables(m);
            c.outputs(m);
            c.lambdas(m);
            c.iam(m);
        }
        c.secrets();
        return List.copyOf(c.violations);
    }

    private void report(String rule, String where, String message) {
        violations.add(new Violation(rule, where, message));
    }

    // Variables and outputs

    private void variables(Module m) {
        for (Located v : m.blocks("variable")) {
            Body body = v.block().body();
            if (body.attribute("type").isEmpty()) {
                report("variable-type", v.where(), "variable \"" + v.name() + "\" has no type");
            }
            if (!hasText(body.attribute("description"))) {
                report("variable-description", v.where(), "variable \"" + v.name() + "\" has no description");
            }
            if (isSecretName(v.name())) {
                body.attribute("default").filter(d -> d instanceof Expr.Str s && leaks(s)).ifPresent(d ->
                        report("secret-literal", v.where(), "variable \"" + v.name() + "\" has a secret as its default"));
            }
        }
    }

    private void outputs(Module m) {
        for (Located o : m.blocks("output")) {
            if (!hasText(o.block().body().attribute("description"))) {
                report("output-description", o.where(), "output \"" + o.name() + "\" has no description");
            }
        }
    }

    private static boolean hasText(Optional<Expr> e) {
        return e.filter(x -> x instanceof Expr.Str s && !s.value().isBlank()).isPresent();
    }

    // Lambda functions: a role and a trigger each

    private void lambdas(Module m) {
        for (Located fn : m.resources("aws_lambda_function")) {
            String name = fn.name();
            Optional<Expr> role = fn.block().body().attribute("role");
            boolean roleHere = role.map(r -> r.references().stream()
                    .filter(ref -> ref.startsWith("aws_iam_role."))
                    .anyMatch(ref -> m.resource("aws_iam_role", ref.split("\\.")[1]).isPresent())).orElse(false);
            if (!roleHere) {
                report("lambda-role", fn.where(), "aws_lambda_function." + name + " has no role of its own (role = aws_iam_role.<name>.arn, defined in the module)");
            }
            if (triggeredInModule(m, name)) {
                continue;
            }
            List<Located> uses = calls(m.dir());
            if (uses.isEmpty()) {
                report("lambda-trigger", fn.where(), "aws_lambda_function." + name + " has no trigger (event source mapping, API integration,"
                        + " load balancer, schedule) in its module, and no module uses it");
            }
            for (Located use : uses) {
                Module caller = tree.module(use.file().path().getParent()).orElseThrow();
                if (!triggeredByCaller(caller, use.name())) {
                    report("lambda-trigger", use.where(), "module." + use.name() + " runs a Lambda function (aws_lambda_function." + name + " in "
                            + tree.root().relativize(m.dir()) + ") that nothing in this module triggers");
                }
            }
        }
    }

    private boolean triggeredInModule(Module m, String function) {
        List<String> targets = new ArrayList<>(List.of("aws_lambda_function." + function));
        for (Located alias : m.resources("aws_lambda_alias")) {
            if (alias.block().body().attribute("function_name").map(e -> e.refersTo("aws_lambda_function." + function)).orElse(false)) {
                targets.add("aws_lambda_alias." + alias.name());
            }
        }
        return triggerExpressions(m).stream().anyMatch(e -> targets.stream().anyMatch(e::refersTo));
    }

    private boolean triggeredByCaller(Module caller, String callName) {
        if (triggerExpressions(caller).stream().anyMatch(e -> e.refersTo("module." + callName))) {
            return true;
        }
        for (Located call : caller.calls()) {
            boolean triggerModule = caller.source(call).flatMap(tree::module).map(Checks::isTriggerModule).orElse(false);
            if (triggerModule && call.block().body().attribute(TRIGGER_MODULE_ARGUMENT).map(e -> e.refersTo("module." + callName)).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** The expressions that name the function a trigger resource of {@code m} invokes. */
    private static List<Expr> triggerExpressions(Module m) {
        List<Expr> out = new ArrayList<>();
        TRIGGERS.forEach((type, path) -> {
            for (Located t : m.resources(type)) {
                attribute(t.block().body(), path).ifPresent(out::add);
            }
        });
        return out;
    }

    private static boolean isTriggerModule(Module m) {
        return m.resources("aws_lambda_function").isEmpty() && TRIGGERS.keySet().stream().anyMatch(t -> !m.resources(t).isEmpty());
    }

    private List<Located> calls(Path dir) {
        List<Located> out = new ArrayList<>();
        for (Module caller : tree.modules()) {
            for (Located call : caller.calls()) {
                if (caller.source(call).map(dir::equals).orElse(false)) {
                    out.add(call);
                }
            }
        }
        return out;
    }

    private static Optional<Expr> attribute(Body body, String path) {
        String[] steps = path.split("\\.");
        Body at = body;
        for (int k = 0; k < steps.length - 1; k++) {
            List<Block> nested = at.blocks(steps[k]);
            if (nested.isEmpty()) {
                return Optional.empty();
            }
            at = nested.get(0).body();
        }
        return at.attribute(steps[steps.length - 1]);
    }

    // IAM

    /** One policy statement, from a policy document block or an object with an "actions" key. */
    private record Statement(String where, Expr effect, Expr actions, Expr resources, boolean hasNegation, Expr principals,
                             boolean actionsByReferenceAllowed, boolean keyPolicy) {
    }

    private void iam(Module m) {
        for (Located doc : m.resources("data", "aws_iam_policy_document")) {
            boolean keyPolicy = m.resources("aws_kms_key").stream().anyMatch(k -> k.block().body().attribute("policy")
                    .map(p -> p.refersTo("data.aws_iam_policy_document." + doc.name())).orElse(false));
            Body body = doc.block().body();
            for (Block s : body.blocks("statement")) {
                check(fromBlock(doc.file().where(s.line()), s.body(), false, keyPolicy));
            }
            for (Block d : body.blocks("dynamic")) {
                for (Block content : d.body().blocks("content")) {
                    // A dynamic statement takes its actions from the objects it iterates, which are checked where written.
                    check(fromBlock(doc.file().where(content.line()), content.body(), true, keyPolicy));
                }
            }
        }
        for (Tree.File f : m.files()) {
            forEachExpression(f.body(), e -> e.walk(x -> {
                if (x instanceof Expr.Obj o && o.get("actions") != null) {
                    check(new Statement(f.where(o.line()), o.get("effect"), o.get("actions"), o.get("resources"),
                            o.get("not_actions") != null || o.get("not_resources") != null, null, false, false));
                }
            }));
        }
        POLICY_ATTRIBUTES.forEach((type, attribute) -> {
            for (Located r : m.resources(type)) {
                r.block().body().attribute(attribute).ifPresent(p -> {
                    if (!p.text().matches("data\\.aws_iam_policy_document\\.[\\w-]+\\.json")) {
                        report("iam-policy-document", r.where(), type + "." + r.name() + "." + attribute
                                + " must be data.aws_iam_policy_document.<name>.json, so that its statements are checked here");
                    }
                });
            }
        });
        for (String type : List.of("aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment",
                "aws_iam_group_policy_attachment")) {
            for (Located r : m.resources(type)) {
                report("iam-managed-policy", r.where(), type + "." + r.name() + " attaches a policy this test cannot read;"
                        + " write its statements in a data \"aws_iam_policy_document\"");
            }
        }
    }

    private static Statement fromBlock(String where, Body s, boolean dynamic, boolean keyPolicy) {
        Expr principals = s.blocks("principals").stream().map(p -> p.body().attribute("identifiers").orElse(null))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        return new Statement(where, s.attribute("effect").orElse(null), s.attribute("actions").orElse(null),
                s.attribute("resources").orElse(null),
                s.attribute("not_actions").isPresent() || s.attribute("not_resources").isPresent(), principals, dynamic, keyPolicy);
    }

    private void check(Statement s) {
        if (s.hasNegation()) {
            report("iam-negation", s.where(), "not_actions and not_resources grant everything they do not name; name what is allowed");
        }
        boolean deny = s.effect() instanceof Expr.Str e && e.value().equals("Deny");
        if (deny) {
            return;
        }
        List<String> actions = new ArrayList<>();
        if (s.actions() instanceof Expr.Tuple t) {
            for (Expr item : t.items()) {
                if (item instanceof Expr.Str a && !a.templated()) {
                    actions.add(a.value());
                    if (a.value().equals("*") || a.value().endsWith(":*")) {
                        report("iam-wildcard-action", s.where(), "statement allows \"" + a.value() + "\": name the actions it needs");
                    }
                } else {
                    report("iam-actions-literal", s.where(), "action " + item.text() + " is not written out, so it cannot be checked");
                }
            }
        } else if (s.actions() != null && !s.actionsByReferenceAllowed()) {
            report("iam-actions-literal", s.where(), "actions " + s.actions().text() + " are not written out, so they cannot be checked");
        }
        if (s.resources() instanceof Expr.Tuple t && !s.keyPolicy()) {
            boolean wildcard = t.items().stream().anyMatch(r -> r instanceof Expr.Str str && str.value().equals("*"));
            if (wildcard) {
                List<String> narrowable = actions.stream().filter(a -> !WILDCARD_RESOURCE_ACTIONS.containsKey(a)).toList();
                if (!narrowable.isEmpty()) {
                    report("iam-wildcard-resource", s.where(), "resource \"*\" for " + narrowable
                            + ", which take a narrower resource (only " + WILDCARD_RESOURCE_ACTIONS.keySet() + " may have \"*\")");
                }
            }
        }
        if (s.principals() instanceof Expr.Tuple p && p.items().stream().anyMatch(x -> x instanceof Expr.Str str && str.value().equals("*"))) {
            report("iam-wildcard-principal", s.where(), "statement allows any principal");
        }
    }

    // Secrets

    private void secrets() {
        for (Tree.File f : tree.files()) {
            literalSecrets(f);
        }
        // Example and variable files are not .tf, but they are where a secret is most likely pasted.
        try (Stream<Path> paths = Files.walk(tree.root())) {
            for (Path p : paths.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tfvars") || name.endsWith(".tfvars.example") || name.endsWith(".hcl") || name.endsWith(".hcl.example")) {
                    literalSecrets(new Tree.File(p, Parser.parse(p)));
                }
                if (!p.toString().contains("/.terraform/")) {
                    List<String> lines = Files.readAllLines(p);
                    for (int n = 0; n < lines.size(); n++) {
                        if (SECRET_TEXT.matcher(lines.get(n)).find()) {
                            report("secret-literal", p + ":" + (n + 1), "a private key or an access key id is written here");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void literalSecrets(Tree.File f) {
        forEachNamedValue(f.body(), (name, value) -> {
            if (isSecretName(name) && value instanceof Expr.Str s && leaks(s)) {
                report("secret-literal", f.where(value.line()), name + " is given a literal value; pass a Secrets Manager ARN"
                        + " (or a reference) instead");
            }
        });
    }

    static boolean isSecretName(String name) {
        if (!SECRET_WORD.matcher(name).find()) {
            return false;
        }
        String[] words = name.toLowerCase().split("[_-]");
        return !NOT_SECRET_SUFFIXES.contains(words[words.length - 1]);
    }

    /** Whether a string holds text of its own, beyond references and an ECS JSON-key selector after a secret ARN. */
    static boolean leaks(Expr.Str s) {
        String literal = s.literal().strip();
        if (literal.isEmpty()) {
            return false;
        }
        return !(s.templated() && JSON_KEY_SELECTOR.matcher(literal).matches());
    }

    /** Every value expression of a body and its blocks; a variable's type constraint is no value, so it is skipped. */
    private static void forEachExpression(Body body, Consumer<Expr> visitor) {
        for (Body.Attribute a : body.attributes()) {
            visitor.accept(a.value());
        }
        for (Block b : body.blocks()) {
            forEachExpression(withoutTypeConstraint(b), visitor);
        }
    }

    private static Body withoutTypeConstraint(Block b) {
        if (!b.type().equals("variable")) {
            return b.body();
        }
        return new Body(b.body().attributes().stream().filter(a -> !a.name().equals("type")).toList(), b.body().blocks());
    }

    /** Every (name, value) pair: attributes of every block, and entries of every object with a written name. */
    private static void forEachNamedValue(Body body, java.util.function.BiConsumer<String, Expr> visitor) {
        for (Body.Attribute a : body.attributes()) {
            visitor.accept(a.name(), a.value());
            a.value().walk(x -> {
                if (x instanceof Expr.Obj o) {
                    for (Expr.Entry entry : o.entries()) {
                        if (entry.name() != null) {
                            visitor.accept(entry.name(), entry.value());
                        }
                    }
                }
            });
        }
        for (Block b : body.blocks()) {
            forEachNamedValue(withoutTypeConstraint(b), visitor);
        }
    }
}
