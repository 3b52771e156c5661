package io.greenhouse.cli;

import jakarta.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "net-in", mixinStandardHelpOptions = true,
        description = {"Map a host port to a container port; print the host port."})
final class NetInCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Parameters(paramLabel = "HANDLE")
    private String handle;

    @Option(names = {"-c", "--container-port"}, required = true, paramLabel = "PORT", description = "the container's port")
    private long containerPort;

    @Option(names = {"-H", "--host-port"}, paramLabel = "PORT", defaultValue = "0",
            description = "the host's port (default: 0, one from the cell's pool)")
    private long hostPort;

    @Override
    public Integer call() {
        JsonObject mapped = main.client().netIn(handle, hostPort, containerPort);
        main.terminal().out().println(mapped.getJsonNumber("host_port").longValue());
        return 0;
    }
}
