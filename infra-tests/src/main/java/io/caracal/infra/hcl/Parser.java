package io.caracal.infra.hcl;

import io.caracal.infra.hcl.Lexer.Kind;
import io.caracal.infra.hcl.Lexer.Token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parser of HCL native syntax (the language of .tf and .tfvars files) into {@link Body} and {@link Expr}.
 *
 * <p>Why our own: the one HCL parser for the JVM on Maven Central (com.bertramlabs.plugins:hcl4j 0.9.4) rejects
 * valid Terraform this repository uses (computed object keys such as {@code (var.topic) = "group"}, a for
 * expression inside a tuple's for expression), and it evaluates what it parses: a {@code var.} reference becomes
 * null, an interpolation loses its references, a conditional is decided with unknown values, and a
 * {@code data "http"} block is fetched. The checks need the opposite: every file read, and references kept as
 * written. This parser covers the whole structural grammar (bodies, blocks, attributes, tuples, objects, templates,
 * heredocs, comments) and keeps other expressions as text with their nested tuples and objects parsed.
 */
public final class Parser {
    private final List<Token> tokens;
    private final String src;
    private final String file;
    private int i;

    private Parser(String src, String file) {
        this.src = src;
        this.file = file;
        this.tokens = Lexer.tokens(src, file);
    }

    public static Body parse(String src, String file) {
        Parser p = new Parser(src, file);
        Body body = p.body(false);
        if (p.peek().kind() != Kind.EOF) {
            throw p.error("unexpected '" + p.peek().text() + "'");
        }
        return body;
    }

    public static Body parse(Path path) throws IOException {
        return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    }

    private Body body(boolean inBlock) {
        List<Body.Attribute> attributes = new ArrayList<>();
        List<Body.Block> blocks = new ArrayList<>();
        while (true) {
            skipNewlines();
            Token t = peek();
            if (t.kind() == Kind.EOF || inBlock && t.is("}")) {
                return new Body(attributes, blocks);
            }
            if (t.kind() != Kind.IDENT) {
                throw error("expected an attribute or block name, found '" + t.text() + "'");
            }
            next();
            if (peek().is("=")) {
                next();
                Expr value = expression(Context.BODY);
                attributes.add(new Body.Attribute(t.text(), value, t.line()));
                endOfItem();
            } else {
                List<String> labels = new ArrayList<>();
                while (!peek().is("{")) {
                    Token label = next();
                    if (label.kind() == Kind.STRING) {
                        labels.add(unquote(label.text()));
                    } else if (label.kind() == Kind.IDENT) {
                        labels.add(label.text());
                    } else {
                        throw error("expected a block label or '{' after '" + t.text() + "', found '" + label.text() + "'");
                    }
                }
                next();
                Body inner = body(true);
                expect("}");
                blocks.add(new Body.Block(t.text(), labels, inner, t.line()));
                endOfItem();
            }
        }
    }

    /** After an attribute or block: a newline, the end of the enclosing block, or the end of the file. */
    private void endOfItem() {
        Token t = peek();
        if (t.kind() != Kind.NEWLINE && t.kind() != Kind.EOF && !t.is("}")) {
            throw error("expected a newline, found '" + t.text() + "'");
        }
    }

    /** Where an expression stands decides what ends it. */
    private enum Context {
        BODY,    // attribute value: ends at a newline or the '}' of a one-line block
        ITEM,    // tuple item or call argument: ends at ',' or the closing bracket; newlines are insignificant
        ENTRY,   // object value: ends at a newline, ',' or '}'
        KEY,     // object key: ends at '=' or ':'
        GROUP    // inside parentheses or a for expression: ends at the closing bracket only
    }

    private Expr expression(Context context) {
        List<Expr> parts = new ArrayList<>();
        int start = -1;
        int end = -1;
        int line = peek().line();
        while (true) {
            if (context == Context.ITEM || context == Context.GROUP) {
                skipNewlines();
            }
            Token t = peek();
            if (ends(t, context)) {
                break;
            }
            if (start < 0) {
                start = t.start();
                line = t.line();
            }
            Expr part;
            if (t.is("[")) {
                part = tuple();
            } else if (t.is("{")) {
                part = object();
            } else if (t.is("(")) {
                next();
                Expr inner = expression(Context.GROUP);
                Token close = expect(")");
                part = new Expr.Compound(src.substring(t.start(), close.end()), t.line(), List.of(inner));
            } else if (t.kind() == Kind.STRING || t.kind() == Kind.HEREDOC) {
                next();
                part = string(t);
            } else if (t.kind() == Kind.EOF || t.is("]") || t.is(")") || t.is("}")) {
                throw error("unexpected '" + t.text() + "'");
            } else {
                next();
                part = new Expr.Word(t.text(), t.line());
            }
            parts.add(part);
            end = tokens.get(i - 1).end();
        }
        if (parts.isEmpty()) {
            throw error("expected an expression, found '" + peek().text() + "'");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new Expr.Compound(src.substring(start, end), line, parts);
    }

    private boolean ends(Token t, Context context) {
        // '=' only separates a name from its value: inside an expression it ends it, and the caller reports it.
        if (t.kind() == Kind.EOF || t.is("=")) {
            return true;
        }
        return switch (context) {
            case BODY -> t.kind() == Kind.NEWLINE || t.is("}");
            case ITEM -> t.is(",") || t.is("]") || t.is(")");
            case ENTRY -> t.kind() == Kind.NEWLINE || t.is(",") || t.is("}");
            case KEY -> t.is("=") || t.is(":");
            case GROUP -> t.is(")") || t.is("]") || t.is("}");
        };
    }

    private Expr tuple() {
        Token open = expect("[");
        skipNewlines();
        if (peek().isIdent("for")) {
            Expr body = expression(Context.GROUP);
            Token close = expect("]");
            return new Expr.Compound(src.substring(open.start(), close.end()), open.line(), List.of(body));
        }
        List<Expr> items = new ArrayList<>();
        while (true) {
            skipNewlines();
            if (peek().is("]")) {
                break;
            }
            items.add(expression(Context.ITEM));
            skipNewlines();
            if (peek().is(",")) {
                next();
            } else if (!peek().is("]")) {
                throw error("expected ',' or ']' in a tuple, found '" + peek().text() + "'");
            }
        }
        Token close = expect("]");
        return new Expr.Tuple(src.substring(open.start(), close.end()), open.line(), items);
    }

    private Expr object() {
        Token open = expect("{");
        skipNewlines();
        if (peek().isIdent("for")) {
            Expr body = expression(Context.GROUP);
            Token close = expect("}");
            return new Expr.Compound(src.substring(open.start(), close.end()), open.line(), List.of(body));
        }
        List<Expr.Entry> entries = new ArrayList<>();
        while (true) {
            skipNewlines();
            if (peek().is("}")) {
                break;
            }
            Expr key = expression(Context.KEY);
            Token separator = next();
            if (!separator.is("=") && !separator.is(":")) {
                throw error("expected '=' or ':' after an object key");
            }
            Expr value = expression(Context.ENTRY);
            entries.add(new Expr.Entry(keyName(key), key, value));
            if (peek().is(",")) {
                next();
            }
        }
        Token close = expect("}");
        return new Expr.Obj(src.substring(open.start(), close.end()), open.line(), entries);
    }

    /** A key written as a name or a plain string; null for a computed key such as {@code (var.topic)}. */
    private static String keyName(Expr key) {
        if (key instanceof Expr.Word w && (Character.isLetter(w.text().charAt(0)) || w.text().charAt(0) == '_')) {
            return w.text();
        }
        if (key instanceof Expr.Str s && !s.templated()) {
            return s.value();
        }
        return null;
    }

    private Expr string(Token t) {
        String raw = t.text();
        String content;
        if (t.kind() == Kind.HEREDOC) {
            int firstNewline = raw.indexOf('\n');
            int lastNewline = raw.lastIndexOf('\n');
            content = lastNewline > firstNewline ? raw.substring(firstNewline + 1, lastNewline + 1) : "";
        } else {
            content = unquote(raw);
        }
        return new Expr.Str(raw, t.line(), content, withoutInterpolations(content), interpolates(content));
    }

    /** Whether a template has an interpolation or directive ({@code $${} and {@code %%{} are escapes, not ones). */
    static boolean interpolates(String content) {
        for (int k = 0; k + 1 < content.length(); k++) {
            char c = content.charAt(k);
            if ((c == '$' || c == '%') && content.charAt(k + 1) == c && k + 2 < content.length() && content.charAt(k + 2) == '{') {
                k += 2;
            } else if ((c == '$' || c == '%') && content.charAt(k + 1) == '{') {
                return true;
            }
        }
        return false;
    }

    /** The text of a template with each {@code ${...}} and {@code %{...}} removed (escaped ones are kept). */
    static String withoutInterpolations(String content) {
        StringBuilder out = new StringBuilder();
        int k = 0;
        while (k < content.length()) {
            char c = content.charAt(k);
            if ((c == '$' || c == '%') && k + 2 < content.length() && content.charAt(k + 1) == c && content.charAt(k + 2) == '{') {
                out.append(c).append('{');
                k += 3;
            } else if ((c == '$' || c == '%') && k + 1 < content.length() && content.charAt(k + 1) == '{') {
                int depth = 1;
                k += 2;
                while (k < content.length() && depth > 0) {
                    char d = content.charAt(k);
                    if (d == '{') {
                        depth++;
                    } else if (d == '}') {
                        depth--;
                    }
                    k++;
                }
            } else {
                out.append(c);
                k++;
            }
        }
        return out.toString();
    }

    /** The content of a quoted string with its escapes resolved. */
    static String unquote(String quoted) {
        StringBuilder out = new StringBuilder();
        for (int k = 1; k < quoted.length() - 1; k++) {
            char c = quoted.charAt(k);
            if (c == '\\' && k + 1 < quoted.length() - 1) {
                char n = quoted.charAt(++k);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private void skipNewlines() {
        while (peek().kind() == Kind.NEWLINE) {
            i++;
        }
    }

    private Token peek() {
        return tokens.get(i);
    }

    private Token next() {
        return tokens.get(i++);
    }

    private Token expect(String punct) {
        Token t = next();
        if (!t.is(punct)) {
            i--;
            throw error("expected '" + punct + "', found '" + t.text() + "'");
        }
        return t;
    }

    private HclException error(String message) {
        return new HclException(file + ":" + peek().line() + ": " + message);
    }
}
