package io.greenhouse.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Print the handles of the containers, one a line.")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Spec
    private CommandSpec spec;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
            description = "only containers with this property (repeatable: all must match)")
    private List<String> properties = new ArrayList<>();

    @Override
    public Integer call() {
        for (String handle : main.client().list(Pairs.parse(spec, properties))) {
            main.terminal().out().println(handle);
        }
        return 0;
    }
}
