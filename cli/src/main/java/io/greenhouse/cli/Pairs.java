package io.greenhouse.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** KEY=VALUE arguments (properties, filters). */
final class Pairs {
    private Pairs() {
    }

    static Map<String, String> parse(CommandLine.Model.CommandSpec spec, List<String> pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "expected KEY=VALUE, got '" + pair + "'");
            }
            map.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return map;
    }
}
