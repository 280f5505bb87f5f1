package io.caracal.infra.hcl;

import java.util.List;
import java.util.Optional;

/** The attributes and blocks of a file or of a block, in source order. */
public record Body(List<Attribute> attributes, List<Block> blocks) {

    public record Attribute(String name, Expr value, int line) {
    }

    /** A block such as {@code resource "aws_iam_role" "this" { ... }}: type {@code resource}, two labels. */
    public record Block(String type, List<String> labels, Body body, int line) {
        public String label(int i) {
            return i < labels.size() ? labels.get(i) : null;
        }
    }

    public Optional<Expr> attribute(String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).map(Attribute::value).findFirst();
    }

    public List<Block> blocks(String type) {
        return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }
}
