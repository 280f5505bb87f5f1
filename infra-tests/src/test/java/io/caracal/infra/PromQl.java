package io.caracal.infra;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Just enough PromQL for MonitoringTest: checks an expression is well formed (brackets balanced, label matchers and
 * range selectors as PromQL writes them, functions PromQL has) and returns the metric names it selects. Function
 * names, keywords, label names in {@code by (...)} and matchers, strings and durations are not metric names.
 */
final class PromQl {
    private static final Set<String> FUNCTIONS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk",
            "quantile", "count_values", "group", "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "abs", "ceil",
            "floor", "round", "clamp", "clamp_min", "clamp_max", "absent", "absent_over_time", "changes", "resets", "label_replace",
            "label_join", "vector", "scalar", "time", "timestamp", "sort", "sort_desc", "sum_over_time", "avg_over_time", "max_over_time",
            "min_over_time", "count_over_time", "last_over_time", "quantile_over_time", "predict_linear", "exp", "ln", "log2", "log10", "sqrt");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "inf", "nan");
    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+|\\$__rate_interval|\\$__interval|\\$__range");
    private static final Pattern RANGE = Pattern.compile("\\s*(" + DURATION.pattern() + ")\\s*(:\\s*(" + DURATION.pattern() + ")?\\s*)?");
    private static final Pattern NUMBER = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern MATCHERS = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*\\s*(=|!=|=~|!~)\\s*S\\s*(,\\s*|$))*\\s*");

    private PromQl() {
    }

    /** The metric names {@code expr} selects; throws IllegalArgumentException, naming the problem, when it is not PromQL. */
    static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Deque<Character> open = new ArrayDeque<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c) || "+-*/%^<>=!,".indexOf(c) >= 0) {
                i++;
            } else if (Character.isDigit(c) || c == '.') {
                java.util.regex.Matcher number = NUMBER.matcher(expr.substring(i));
                require(number.lookingAt(), "a number at " + expr.substring(i) + " in " + expr);
                i += number.end();
            } else if (c == '"' || c == '\'' || c == '`') {
                i = afterString(expr, i);
            } else if (c == '{') {
                int close = closing(expr, i, '}');
                String matchers = expr.substring(i + 1, close).replaceAll("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'", "S");
                require(MATCHERS.matcher(matchers).matches(), "label matchers {" + expr.substring(i + 1, close) + "} in " + expr);
                i = close + 1;
            } else if (c == '[') {
                int close = closing(expr, i, ']');
                require(RANGE.matcher(expr.substring(i + 1, close)).matches(), "range [" + expr.substring(i + 1, close) + "] in " + expr);
                i = close + 1;
            } else if (c == '(') {
                open.push('(');
                i++;
            } else if (c == ')') {
                require(!open.isEmpty(), "unbalanced ) in " + expr);
                open.pop();
                i++;
            } else if (startsIdentifier(expr, i)) {
                int end = i;
                while (end < expr.length() && (Character.isLetterOrDigit(expr.charAt(end)) || expr.charAt(end) == '_' || expr.charAt(end) == ':')) {
                    end++;
                }
                String word = expr.substring(i, end);
                int next = end;
                while (next < expr.length() && Character.isWhitespace(expr.charAt(next))) {
                    next++;
                }
                // An aggregation may put its grouping first: sum by (le) (...).
                boolean call = next < expr.length() && expr.charAt(next) == '('
                        || FUNCTIONS.contains(word) && expr.substring(next).matches("(?s)(by|without)\\s*\\(.*");
                if (LABEL_LIST_KEYWORDS.contains(word)) {
                    if (call) {
                        int close = closing(expr, next, ')');
                        require(expr.substring(next + 1, close).matches("\\s*([a-zA-Z_][a-zA-Z0-9_]*\\s*(,\\s*)?)*"),
                                "label list of " + word + " in " + expr);
                        end = close + 1;
                    }
                } else if (word.equals("offset")) {
                    java.util.regex.Matcher duration = DURATION.matcher(expr.substring(next));
                    require(duration.lookingAt(), "a duration after offset in " + expr);
                    end = next + duration.end();
                } else if (call) {
                    require(FUNCTIONS.contains(word), "unknown function " + word + " in " + expr);
                } else if (!KEYWORDS.contains(word)) {
                    names.add(word);
                }
                i = end;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' in " + expr);
            }
        }
        require(open.isEmpty(), "unclosed ( in " + expr);
        require(!names.isEmpty() || expr.contains("vector("), "no metric in " + expr);
        return names;
    }

    private static boolean startsIdentifier(String expr, int i) {
        char c = expr.charAt(i);
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static int afterString(String expr, int start) {
        char quote = expr.charAt(start);
        for (int i = start + 1; i < expr.length(); i++) {
            if (expr.charAt(i) == '\\' && quote != '`') {
                i++;
            } else if (expr.charAt(i) == quote) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unclosed string in " + expr);
    }

    private static int closing(String expr, int start, char close) {
        for (int i = start + 1; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = afterString(expr, i) - 1;
            } else if (c == close) {
                return i;
            } else if (c == expr.charAt(start)) {
                throw new IllegalArgumentException("nested '" + c + "' in " + expr);
            }
        }
        throw new IllegalArgumentException("unclosed '" + expr.charAt(start) + "' in " + expr);
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
