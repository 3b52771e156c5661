package io.greenhouse.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "stream-in", mixinStandardHelpOptions = true,
        description = {"Extract a tar stream from stdin into the container.",
                "  tar -cf - app.conf | greenhouse stream-in web-1 -d /etc/app"})
final class StreamInCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Parameters(paramLabel = "HANDLE")
    private String handle;

    @Option(names = {"-d", "--destination"}, required = true, paramLabel = "DIR", description = "where to extract")
    private String destination;

    @Option(names = {"-u", "--user"}, defaultValue = "root", description = "as this user of the container (default: ${DEFAULT-VALUE})")
    private String user;

    @Override
    public Integer call() {
        main.client().streamIn(handle, destination, user, main.terminal().in());
        return 0;
    }
}
