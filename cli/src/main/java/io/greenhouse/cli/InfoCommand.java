package io.greenhouse.cli;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Print a container's info as JSON.", "State, addresses, properties, processes, mapped ports."})
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Parameters(paramLabel = "HANDLE")
    private String handle;

    @Override
    public Integer call() {
        main.terminal().out().println(pretty(main.client().info(handle)));
        return 0;
    }

    static String pretty(JsonObject o) {
        StringWriter text = new StringWriter();
        try (JsonWriter w = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(text)) {
            w.writeObject(o);
        }
        return text.toString().strip();
    }
}
