package io.caracal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.infra.hcl.Body;
import io.caracal.infra.hcl.Expr;
import io.caracal.infra.hcl.Parser;
import io.caracal.infra.images.ImageDefinition;
import io.caracal.infra.kubernetes.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the build makes is what the deployments name, checked without building it: the images of
 * infra/images/images.conf are the Helm chart's Caracal images, serve the ports their containers declare, and start
 * classes and jars the modules build; the Lambda packages of the Terraform example are the modules' runnable jars.
 * The images themselves are built and checked by the images module (`mvn verify -Pimages`, docs/deploy/images.md).
 */
class ArtifactsTest {
    static Path repo;
    static List<ImageDefinition> images;
    static Map<String, ImageDefinition> byRepository;
    /** values.yaml (the gateway on TLS, 8443) and values-minimal.yaml (plain HTTP, 8080). */
    static List<Manifest> rendered;

    @BeforeAll
    static void load() {
        repo = Path.of(System.getProperty("caracal.root", "..")).toAbsolutePath().normalize();
        images = ImageDefinition.read(repo.resolve("infra/images/images.conf"));
        byRepository = images.stream().collect(Collectors.toMap(ImageDefinition::repository, i -> i));
        Chart chart = new Chart(repo.resolve("infra/helm/caracal"));
        rendered = new ArrayList<>(chart.template(null, Map.of()));
        rendered.addAll(chart.template(chart.valuesFile("values-minimal.yaml"), Map.of()));
    }

    @Test
    void theImagesAreTheChartsCaracalImages() {
        assertEquals(images.size(), byRepository.size(), "an image is named twice in images.conf");
        Set<String> used = new TreeSet<>();
        for (Manifest m : rendered) {
            for (JsonNode container : m.containers()) {
                String image = container.path("image").asText();
                if (image.startsWith("caracal/")) {
                    String repository = image.substring(0, image.lastIndexOf(':'));
                    assertTrue(byRepository.containsKey(repository), m.id() + " runs " + image + ", which images.conf does not build");
                    used.add(repository);
                }
            }
        }
        assertEquals(new TreeSet<>(byRepository.keySet()), used, "images.conf builds images the chart does not run");
    }

    @Test
    void eachImageServesThePortsItsContainersDeclare() {
        for (Manifest m : rendered) {
            for (JsonNode container : m.containers()) {
                String image = container.path("image").asText();
                if (!image.startsWith("caracal/")) {
                    continue;
                }
                ImageDefinition definition = byRepository.get(image.substring(0, image.lastIndexOf(':')));
                for (JsonNode port : container.path("ports")) {
                    int number = port.path("containerPort").asInt();
                    assertTrue(definition.ports().contains(number),
                            m.id() + " declares port " + number + ", which " + definition.repository() + " does not serve " + definition.ports());
                }
            }
        }
    }

    @Test
    void eachImageStartsAJarAndAClassItsModuleBuilds() throws IOException {
        for (ImageDefinition image : images) {
            Path module = repo.resolve(image.module());
            String pom = Files.readString(module.resolve("pom.xml"));
            String jar = property(pom, "caracal.runnable-jar").orElseGet(() -> property(pom, "finalName").orElseThrow());
            assertEquals(jar + ".jar", image.jar(), image.name() + ": " + image.module() + " builds target/" + jar + ".jar");
            String main = image.mainClass().orElseGet(() -> property(pom, "caracal.main-class")
                    .orElseGet(() -> property(pom, "mainClass").orElseThrow()));
            Path source = module.resolve("src/main/java/" + main.replace('.', '/') + ".java");
            assertTrue(Files.isRegularFile(source), image.name() + ": no class " + main + " in " + image.module());
            assertTrue(Files.readString(source).contains("public static void main(String[] args)"), image.name() + ": " + main + " has no main");
        }
    }

    @Test
    void theLambdaPackagesOfTheTerraformExampleAreTheRunnableJars() throws IOException {
        Body example = Parser.parse(repo.resolve("infra/terraform/envs/shared/terraform.tfvars.example"));
        Expr.Obj packages = (Expr.Obj) example.attribute("packages").orElseThrow();
        Map<String, String> keys = new TreeMap<>();
        for (Expr.Entry entry : packages.entries()) {
            keys.put(entry.name(), ((Expr.Str) ((Expr.Obj) entry.value()).get("s3_key")).value());
        }
        assertEquals(Set.of("gateway", "ledger", "metrics", "audit"), keys.keySet());
        keys.forEach((function, key) -> {
            ImageDefinition image = byRepository.get("caracal/" + function);
            assertEquals(function + "-function", image.module(), "the " + function + " image is not its function module's jar");
            assertTrue(key.endsWith("/" + image.jar()), "the " + function + " package " + key + " is not " + image.module() + "/target/" + image.jar());
        });
    }

    private static Optional<String> property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }
}
