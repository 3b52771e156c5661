package io.greenhouse.cli;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a container and print its handle.")
final class CreateCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Spec
    private CommandSpec spec;

    @Option(names = {"-n", "--handle"}, description = "its handle (default: the server makes one)")
    private String handle;

    @Option(names = {"-r", "--image"}, paramLabel = "URI",
            description = "root filesystem: a directory, a tarball, docker://..., oci://... (default: the cell's)")
    private String image;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "environment of every process (repeatable)")
    private List<String> env = new ArrayList<>();

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE", description = "a property (repeatable)")
    private List<String> properties = new ArrayList<>();

    @Option(names = {"-g", "--grace-time"}, paramLabel = "SECONDS",
            description = "destroyed after this many seconds without a client (default: the cell's)")
    private Long graceSeconds;

    @Option(names = "--privileged", description = "a privileged container (root is the host's root)")
    private boolean privileged;

    @Override
    public Integer call() {
        JsonObjectBuilder s = Json.createObjectBuilder();
        if (handle != null) {
            s.add("handle", handle);
        }
        if (image != null) {
            s.add("image", Json.createObjectBuilder().add("uri", image));
        }
        JsonArrayBuilder e = Json.createArrayBuilder();
        env.forEach(e::add);
        s.add("env", e);
        JsonObjectBuilder p = Json.createObjectBuilder();
        Pairs.parse(spec, properties).forEach(p::add);
        s.add("properties", p);
        if (graceSeconds != null) {
            s.add("grace_time", Duration.ofSeconds(graceSeconds).toNanos());
        }
        s.add("privileged", privileged);
        main.terminal().out().println(main.client().create(s.build()));
        return 0;
    }
}
