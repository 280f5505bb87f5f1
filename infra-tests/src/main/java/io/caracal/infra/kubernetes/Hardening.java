package io.caracal.infra.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * How every pod of Caracal's Kubernetes descriptions runs, whichever renders it (the Helm chart, infra/k8s): as a
 * non-root user, without a service account token, each container on a read-only root filesystem, unable to gain
 * privileges, with no capability, from an image named without a registry host (the registry is a deployment's choice).
 */
public final class Hardening {
    private Hardening() {
    }

    /** What breaks those rules, one line per breach naming the object and container; empty when none does. */
    public static List<String> problems(List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.podSpec().isEmpty()) {
                continue;
            }
            if (!m.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()) {
                problems.add(m.id() + ": the pod may run as root");
            }
            if (m.at("/spec/template/spec/automountServiceAccountToken").asBoolean(true)) {
                problems.add(m.id() + ": mounts a service account token");
            }
            for (JsonNode c : m.containers()) {
                String where = m.id() + " container " + c.path("name").asText();
                if (!c.at("/securityContext/readOnlyRootFilesystem").asBoolean()) {
                    problems.add(where + ": writable root filesystem");
                }
                if (c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)) {
                    problems.add(where + ": may escalate privileges");
                }
                boolean dropsAll = false;
                for (JsonNode dropped : c.at("/securityContext/capabilities/drop")) {
                    dropsAll |= dropped.asText().equals("ALL");
                }
                if (!dropsAll) {
                    problems.add(where + ": keeps capabilities");
                }
                String image = c.path("image").asText();
                if (image.substring(0, Math.max(0, image.indexOf('/'))).contains(".")) {
                    problems.add(where + ": the image names a registry host: " + image);
                }
            }
        }
        return problems;
    }
}
