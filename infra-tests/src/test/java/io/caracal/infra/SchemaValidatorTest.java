package io.caracal.infra;

import io.caracal.infra.kubernetes.Manifest;
import io.caracal.infra.kubernetes.Manifests;
import io.caracal.infra.kubernetes.SchemaValidator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validator HelmChartTest and KustomizeTest rely on refuses what Kubernetes (or kubectl's strict decoding) would refuse. */
class SchemaValidatorTest {
    static final SchemaValidator VALIDATOR = SchemaValidator.fromClasspath("kubernetes-schemas");

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: web:1
                      ports:
                        - containerPort: 8080
                      resources:
                        limits: {cpu: 500m, memory: 1Gi}
                        requests: {cpu: 1, memory: 512Mi}
            """;

    static List<String> problems(String yaml) {
        return VALIDATOR.validate(Manifests.parse(yaml));
    }

    @Test
    void aValidDeploymentPasses() {
        assertEquals(List.of(), problems(DEPLOYMENT));
        assertEquals(List.of(), problems("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                """));
    }

    @Test
    void aFieldOfTheWrongTypeFails() {
        List<String> problems = problems(DEPLOYMENT.replace("replicas: 2", "replicas: two"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("replicas")), problems.toString());
    }

    @Test
    void anUnknownFieldFails() {
        List<String> problems = problems(DEPLOYMENT.replace("      containers:", "      contianers:"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("contianers")), problems.toString());
    }

    @Test
    void aMissingRequiredFieldFails() {
        List<String> problems = problems(DEPLOYMENT.replace("- name: web\n", "- \n"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("name")), problems.toString());
        assertTrue(!problems("apiVersion: v1\nkind: Service\nmetadata: {}\nspec: {}\n").isEmpty(), "a nameless object passed");
    }

    @Test
    void aMalformedQuantityFails() {
        assertTrue(!problems(DEPLOYMENT.replace("cpu: 500m", "cpu: half a core")).isEmpty(), "'half a core' passed as a cpu limit");
    }

    @Test
    void aKindWithoutSchemaFailsInsteadOfPassingUnchecked() {
        List<String> problems = problems("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
        assertTrue(problems.stream().anyMatch(p -> p.contains("no schema widget-example-v1.json")), problems.toString());
    }

    @Test
    void twoDocumentsRunTogetherAreRefused() {
        // What a template missing a newline before "---" renders: the next object's keys repeat in this one.
        String runTogether = DEPLOYMENT.replace("memory: 512Mi}\n", "memory: 512Mi}---\n") + DEPLOYMENT;
        assertThrows(RuntimeException.class, () -> Manifests.parse(runTogether));
    }

    @Test
    void schemaFilesAreNamedAsKubeconformNamesThem() {
        assertEquals("deployment-apps-v1.json", SchemaValidator.schemaFile("apps/v1", "Deployment"));
        assertEquals("service-v1.json", SchemaValidator.schemaFile("v1", "Service"));
        assertEquals("networkpolicy-networking-v1.json", SchemaValidator.schemaFile("networking.k8s.io/v1", "NetworkPolicy"));
        assertEquals("servicemonitor-monitoring-v1.json", SchemaValidator.schemaFile("monitoring.coreos.com/v1", "ServiceMonitor"));
        Manifest m = Manifests.parse(DEPLOYMENT).get(0);
        assertEquals("web", m.name());
    }
}
