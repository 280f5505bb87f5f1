package io.caracal.infra.terraform;

import io.caracal.infra.hcl.Body;
import io.caracal.infra.hcl.Body.Block;
import io.caracal.infra.hcl.Parser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every .tf file below a root, parsed and grouped by directory (a Terraform module). Symbolic links are not
 * followed: a file an environment links to is read once, where it is.
 */
public final class Tree {
    /** One parsed file; {@code where(line)} is how the checks name a place. */
    public record File(Path path, Body body) {
        public String where(int line) {
            return path + ":" + line;
        }
    }

    /** A block together with the file it is in. */
    public record Located(File file, Block block) {
        public String where() {
            return file.where(block.line());
        }

        public String name() {
            return block.label(block.labels().size() - 1);
        }
    }

    /** The files of one directory. */
    public record Module(Path dir, List<File> files) {
        public List<Located> blocks(String type) {
            List<Located> out = new ArrayList<>();
            for (File f : files) {
                for (Block b : f.body().blocks(type)) {
                    out.add(new Located(f, b));
                }
            }
            return out;
        }

        /** Resources (or data sources, with {@code kind} "data") of one type. */
        public List<Located> resources(String kind, String type) {
            return blocks(kind).stream().filter(l -> type.equals(l.block().label(0))).toList();
        }

        public List<Located> resources(String type) {
            return resources("resource", type);
        }

        public Optional<Located> resource(String type, String name) {
            return resources(type).stream().filter(l -> name.equals(l.block().label(1))).findFirst();
        }

        /** Module calls, each with the directory its (local) source resolves to. */
        public List<Located> calls() {
            return blocks("module");
        }

        public Optional<Path> source(Located call) {
            return call.block().body().attribute("source")
                    .filter(e -> e instanceof io.caracal.infra.hcl.Expr.Str)
                    .map(e -> ((io.caracal.infra.hcl.Expr.Str) e).value())
                    .filter(s -> s.startsWith("./") || s.startsWith("../"))
                    .map(s -> dir.resolve(s).normalize());
        }
    }

    private final Path root;
    private final Map<Path, Module> modules;

    private Tree(Path root, Map<Path, Module> modules) {
        this.root = root;
        this.modules = modules;
    }

    public static Tree load(Path root) {
        Map<Path, List<File>> byDir = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> p.getFileName().toString().endsWith(".tf"))
                    .filter(p -> !p.toString().contains("/.terraform/"))
                    .sorted().toList()) {
                byDir.computeIfAbsent(p.getParent().normalize(), d -> new ArrayList<>()).add(new File(p, Parser.parse(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Path, Module> modules = new TreeMap<>();
        byDir.forEach((dir, files) -> modules.put(dir, new Module(dir, files)));
        return new Tree(root.normalize(), modules);
    }

    public Path root() {
        return root;
    }

    public List<Module> modules() {
        return List.copyOf(modules.values());
    }

    public Optional<Module> module(Path dir) {
        return Optional.ofNullable(modules.get(dir.normalize()));
    }

    public List<File> files() {
        return modules.values().stream().flatMap(m -> m.files().stream()).toList();
    }
}
