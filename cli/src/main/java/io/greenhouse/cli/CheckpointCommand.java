package io.greenhouse.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"Checkpoint a container with CRIU (a Greenhouse extension).",
                "Its processes are dumped to disk and stop, until restore; --leave-running keeps them running."})
final class CheckpointCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--leave-running", description = "keep the processes running after the dump")
    private boolean leaveRunning;

    @Parameters(paramLabel = "HANDLE")
    private String handle;

    @Override
    public Integer call() {
        main.client().checkpoint(handle, leaveRunning);
        return 0;
    }
}
