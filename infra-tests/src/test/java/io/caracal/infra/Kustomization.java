package io.caracal.infra;

import io.caracal.infra.kubernetes.Manifest;
import io.caracal.infra.kubernetes.Manifests;
import io.caracal.infra.tool.Tool;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A kustomization of infra/k8s, rendered as `kubectl kustomize` renders it (offline: no cluster is asked). */
final class Kustomization {
    static final Tool KUBECTL = new Tool("kubectl", "kubectl 1.27+ (its kustomize renders infra/k8s; no cluster is needed)");

    private final Path dir;

    Kustomization(Path dir) {
        this.dir = dir;
    }

    /** The objects `kubectl kustomize <dir>` prints; a render that fails is an error with kubectl's message. */
    List<Manifest> render() {
        Tool.Run run = KUBECTL.run(dir, Map.of(), "kustomize", dir.toString());
        if (!run.succeeded()) {
            throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + run.exitCode() + "):\n" + run.output());
        }
        return Manifests.parse(run.output());
    }
}
