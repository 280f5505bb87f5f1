package io.caracal.cli;

import java.util.ArrayList;
import java.util.List;

/** The {@code caracal} commands of a Markdown document's fenced code blocks, and their words as a POSIX shell splits them. */
final class RunbookCommands {
    private RunbookCommands() {
    }

    /** Each command on one line (backslash continuations joined), in document order; comments and other programs left out. */
    static List<String> extract(String markdown) {
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        StringBuilder pending = new StringBuilder();
        for (String raw : markdown.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("```")) {
                inBlock = !inBlock;
                continue;
            }
            if (!inBlock || (pending.isEmpty() && (line.isEmpty() || line.startsWith("#")))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String command = pending.append(line).toString().strip().replaceAll("\\s+", " ");
            pending.setLength(0);
            if (command.startsWith("caracal ")) {
                commands.add(command);
            }
        }
        return commands;
    }

    /** Splits as sh does for what the doc uses: blanks separate words, quotes group them, backslash escapes in double quotes only before $ ` " \. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                word.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                for (i++; line.charAt(i) != '"'; i++) {
                    char d = line.charAt(i);
                    if (d == '\\' && "$`\"\\".indexOf(line.charAt(i + 1)) >= 0) {
                        d = line.charAt(++i);
                    }
                    word.append(d);
                }
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
