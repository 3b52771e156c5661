package io.greenhouse.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Containerfile (Dockerfile syntax) read as instructions: comments dropped, continued lines
 * joined, leading {@code --flag=value}s split off, each instruction tagged with its stage (the
 * {@code AS} name of its FROM; null for an unnamed stage such as the final one).
 */
record Containerfile(List<Instruction> instructions) {

    record Instruction(String stage, String keyword, Map<String, String> flags, String args) {
        List<String> words() {
            return Arrays.stream(args.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        }
    }

    static Containerfile parse(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Instruction> instructions = new ArrayList<>();
        String stage = null;
        StringBuilder logical = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && logical.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            logical.append(trimmed);
            Instruction i = instruction(stage, logical.toString());
            logical.setLength(0);
            if (i.keyword().equals("FROM")) {
                List<String> w = i.words();
                stage = w.size() == 3 && w.get(1).equalsIgnoreCase("AS") ? w.get(2) : null;
                i = new Instruction(stage, i.keyword(), i.flags(), i.args());
            }
            instructions.add(i);
        }
        return new Containerfile(List.copyOf(instructions));
    }

    private static Instruction instruction(String stage, String text) {
        String[] parts = text.split("\\s+", 2);
        String rest = parts.length > 1 ? parts[1] : "";
        Map<String, String> flags = new LinkedHashMap<>();
        while (rest.startsWith("--")) {
            String[] flag = rest.split("\\s+", 2);
            String[] kv = flag[0].substring(2).split("=", 2);
            flags.put(kv[0], kv.length > 1 ? kv[1] : "");
            rest = flag.length > 1 ? flag[1] : "";
        }
        return new Instruction(stage, parts[0].toUpperCase(Locale.ROOT), flags, rest);
    }

    /** Every source COPY and ADD take from the build context (not from another stage). */
    List<String> contextSources() {
        List<String> sources = new ArrayList<>();
        for (Instruction i : instructions) {
            if ((i.keyword().equals("COPY") || i.keyword().equals("ADD")) && !i.flags().containsKey("from")) {
                List<String> w = i.words();
                sources.addAll(w.subList(0, w.size() - 1));
            }
        }
        return sources;
    }

    /** The copies of one stage as "source -> destination". */
    List<String> copies(String stage) {
        List<String> copies = new ArrayList<>();
        for (Instruction i : inStage(stage, "COPY")) {
            List<String> w = i.words();
            for (String source : w.subList(0, w.size() - 1)) {
                copies.add(source + " -> " + w.get(w.size() - 1));
            }
        }
        return copies;
    }

    List<String> runs(String stage) {
        return inStage(stage, "RUN").stream().map(Instruction::args).toList();
    }

    /** Where the final stage puts what it copies. */
    Set<String> finalStageDestinations() {
        Set<String> destinations = new LinkedHashSet<>();
        for (Instruction i : finalStage("COPY")) {
            List<String> w = i.words();
            destinations.add(w.get(w.size() - 1));
        }
        return destinations;
    }

    /** The final stage's ENV, NAME=value form. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction i : finalStage("ENV")) {
            for (String pair : i.words()) {
                String[] kv = pair.split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }

    String last(String keyword) {
        List<Instruction> found = finalStage(keyword);
        return found.isEmpty() ? null : found.get(found.size() - 1).args();
    }

    private List<Instruction> inStage(String stage, String keyword) {
        return stage == null ? finalStage(keyword) : instructions.stream()
                .filter(i -> Objects.equals(stage, i.stage()) && i.keyword().equals(keyword)).toList();
    }

    private List<Instruction> finalStage(String keyword) {
        int start = 0;
        for (int n = 0; n < instructions.size(); n++) {
            if (instructions.get(n).keyword().equals("FROM")) {
                start = n;
            }
        }
        return instructions.subList(start, instructions.size()).stream()
                .filter(i -> i.keyword().equals(keyword)).toList();
    }
}
