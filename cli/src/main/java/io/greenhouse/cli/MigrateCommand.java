package io.greenhouse.cli;

import io.greenhouse.client.GardenClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.net.URI;
import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Move a container to another cell (a Greenhouse extension).",
                "Checkpoints it here (unless it is), streams its archive to --to, restores it there and destroys it here.",
                "If the other cell refuses or cannot restore it, it stays here, checkpointed: restore it to go on here."})
final class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--to", required = true, paramLabel = "URL", description = "the cell to move it to")
    private URI to;

    @Parameters(paramLabel = "HANDLE")
    private String handle;

    @Override
    public Integer call() {
        main.terminal().out().println(main.client().migrate(handle, new GardenClient(to)));
        return 0;
    }
}
