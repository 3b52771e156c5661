package io.greenhouse.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "destroy", mixinStandardHelpOptions = true,
        description = {"Destroy containers.", "Their processes, root filesystem, network and depot entry go."})
final class DestroyCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Parameters(paramLabel = "HANDLE", arity = "1..*")
    private List<String> handles;

    @Override
    public Integer call() {
        for (String handle : handles) {
            main.client().destroy(handle);
        }
        return 0;
    }
}
