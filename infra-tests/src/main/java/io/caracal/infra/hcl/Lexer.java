package io.caracal.infra.hcl;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits HCL native syntax into tokens: identifiers, numbers, quoted templates, heredocs, punctuation and the
 * newlines that end attributes. Comments are dropped. A quoted template or heredoc is one token whatever its
 * interpolations hold; {@link Parser} looks inside it only as text.
 */
final class Lexer {
    enum Kind { IDENT, NUMBER, STRING, HEREDOC, PUNCT, NEWLINE, EOF }

    record Token(Kind kind, String text, int start, int end, int line) {
        boolean is(String punct) {
            return kind == Kind.PUNCT && text.equals(punct);
        }

        boolean isIdent(String word) {
            return kind == Kind.IDENT && text.equals(word);
        }
    }

    private static final String[] PUNCTS = {"...", "=>", "==", "!=", "<=", ">=", "&&", "||",
            "{", "}", "[", "]", "(", ")", "=", ",", ":", "?", ".", "*", "!", "+", "-", "/", "%", "<", ">"};

    private final String src;
    private final String file;
    private int pos;
    private int line = 1;

    private Lexer(String src, String file) {
        this.src = src;
        this.file = file;
    }

    static List<Token> tokens(String src, String file) {
        return new Lexer(src, file).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            int start = pos;
            if (c == '\n') {
                out.add(new Token(Kind.NEWLINE, "\n", start, ++pos, line++));
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '#' || (c == '/' && peek(1) == '/')) {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '/' && peek(1) == '*') {
                int close = src.indexOf("*/", pos + 2);
                if (close < 0) {
                    throw error("unterminated /* comment");
                }
                countLines(pos, close + 2);
                pos = close + 2;
            } else if (Character.isLetter(c) || c == '_') {
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_' || src.charAt(pos) == '-')) {
                    pos++;
                }
                out.add(new Token(Kind.IDENT, src.substring(start, pos), start, pos, line));
            } else if (Character.isDigit(c)) {
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '.'
                        && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1)))) {
                    pos++;
                }
                out.add(new Token(Kind.NUMBER, src.substring(start, pos), start, pos, line));
            } else if (c == '"') {
                int startLine = line;
                pos = templateEnd(pos + 1);
                out.add(new Token(Kind.STRING, src.substring(start, pos), start, pos, startLine));
            } else if (c == '<' && peek(1) == '<' && (Character.isLetter(peek(2)) || peek(2) == '-')) {
                int startLine = line;
                heredoc();
                out.add(new Token(Kind.HEREDOC, src.substring(start, pos), start, pos, startLine));
            } else {
                String punct = null;
                for (String p : PUNCTS) {
                    if (src.startsWith(p, pos)) {
                        punct = p;
                        break;
                    }
                }
                if (punct == null) {
                    throw error("unexpected character '" + c + "'");
                }
                pos += punct.length();
                out.add(new Token(Kind.PUNCT, punct, start, pos, line));
            }
        }
        out.add(new Token(Kind.EOF, "", pos, pos, line));
        return out;
    }

    /** The position after the closing quote of a template that starts at {@code from}, skipping interpolations. */
    private int templateEnd(int from) {
        int i = from;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else if (c == '\n') {
                throw error("newline in a quoted string");
            } else if ((c == '$' || c == '%') && i + 1 < src.length() && src.charAt(i + 1) == '{' && (i + 2 >= src.length() || src.charAt(i + 2) != '{')) {
                i = interpolationEnd(i + 2);
            } else if ((c == '$' || c == '%') && i + 2 < src.length() && src.charAt(i + 1) == c && src.charAt(i + 2) == '{') {
                i += 3; // $${ and %%{ are escapes for a literal ${ and %{
            } else {
                i++;
            }
        }
        throw error("unterminated string");
    }

    /** The position after the '}' that closes an interpolation whose content starts at {@code from}. */
    private int interpolationEnd(int from) {
        int depth = 1;
        int i = from;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '"') {
                i = templateEnd(i + 1);
                continue;
            }
            if (c == '\n') {
                line++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        throw error("unterminated interpolation");
    }

    private void heredoc() {
        int i = pos + 2;
        if (src.charAt(i) == '-') {
            i++;
        }
        int nameStart = i;
        while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
            i++;
        }
        String marker = src.substring(nameStart, i);
        int eol = src.indexOf('\n', i);
        if (eol < 0) {
            throw error("heredoc <<" + marker + " has no body");
        }
        int lineStart = eol + 1;
        line++;
        while (lineStart < src.length()) {
            int end = src.indexOf('\n', lineStart);
            String content = src.substring(lineStart, end < 0 ? src.length() : end);
            if (content.strip().equals(marker)) {
                pos = end < 0 ? src.length() : end; // the newline after the marker ends the attribute
                return;
            }
            if (end < 0) {
                break;
            }
            lineStart = end + 1;
            line++;
        }
        throw error("heredoc <<" + marker + " is not closed");
    }

    private char peek(int ahead) {
        return pos + ahead < src.length() ? src.charAt(pos + ahead) : '\0';
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
    }

    private HclException error(String message) {
        return new HclException(file + ":" + line + ": " + message);
    }
}
