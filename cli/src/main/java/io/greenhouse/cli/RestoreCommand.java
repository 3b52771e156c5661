package io.greenhouse.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a checkpointed container: its processes run again from the dump."})
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Parameters(paramLabel = "HANDLE")
    private String handle;

    @Override
    public Integer call() {
        main.client().restore(handle);
        return 0;
    }
}
