package io.caracal.infra.hcl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HCL expression, kept as its source text with the structure the checks need: string literals, tuples and
 * objects are parsed (also where they stand inside a function call or a for expression), everything else (operators,
 * references, calls, conditionals) is a {@link Compound} of its parts. Nothing is evaluated: a reference stays the
 * text that names it, which is what the checks look for.
 */
public sealed interface Expr {
    /** The expression as written. */
    String text();

    int line();

    /** This expression and every expression nested in it, depth first. */
    default void walk(Consumer<Expr> visitor) {
        visitor.accept(this);
        for (Expr child : children()) {
            child.walk(visitor);
        }
    }

    default List<Expr> children() {
        return List.of();
    }

    /** The traversals named in the text, e.g. {@code aws_iam_role.this.arn} or {@code module.ledger.alias_arn}. */
    default List<String> references() {
        List<String> refs = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text());
        while (m.find()) {
            refs.add(m.group());
        }
        return refs;
    }

    /**
     * Whether the text names {@code prefix} followed by an attribute, e.g. {@code refersTo("module.ledger")}, also
     * through an instance of it ({@code module.ledger[0].arn}, for a module or resource with count or for_each).
     */
    default boolean refersTo(String prefix) {
        return references().stream().anyMatch(r -> r.startsWith(prefix + ".") || r.startsWith(prefix + "["));
    }

    Pattern REFERENCE = Pattern.compile("(?<![\\w.\"-])[A-Za-z_][\\w-]*(\\.[A-Za-z_][\\w-]*|\\[[^\\]]*\\])+");

    /**
     * A quoted template or heredoc. {@code literal} is its text with the interpolations ({@code ${...}},
     * {@code %{...}}) removed: what it says no matter what the references hold.
     */
    record Str(String text, int line, String value, String literal, boolean templated) implements Expr {
    }

    record Tuple(String text, int line, List<Expr> items) implements Expr {
        @Override
        public List<Expr> children() {
            return items;
        }
    }

    /** An object constructor; a computed key ({@code (var.x) = ...}) has a null {@code name}. */
    record Obj(String text, int line, List<Entry> entries) implements Expr {
        @Override
        public List<Expr> children() {
            List<Expr> out = new ArrayList<>();
            for (Entry e : entries) {
                out.add(e.key());
                out.add(e.value());
            }
            return out;
        }

        public Expr get(String name) {
            return entries.stream().filter(e -> name.equals(e.name())).map(Entry::value).findFirst().orElse(null);
        }
    }

    record Entry(String name, Expr key, Expr value) {
    }

    /** Anything else: literals, references, operators, calls, for expressions, made of these parts. */
    record Compound(String text, int line, List<Expr> parts) implements Expr {
        @Override
        public List<Expr> children() {
            return parts;
        }
    }

    /** One token of a compound expression: a name, a number, an operator. */
    record Word(String text, int line) implements Expr {
    }
}
