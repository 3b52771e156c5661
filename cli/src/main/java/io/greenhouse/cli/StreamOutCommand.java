package io.greenhouse.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;

@Command(name = "stream-out", mixinStandardHelpOptions = true,
        description = {"Write a tar stream of a container's file or directory to stdout.",
                "  greenhouse stream-out web-1 -s /etc/app/app.conf | tar -xf -"})
final class StreamOutCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Parameters(paramLabel = "HANDLE")
    private String handle;

    @Option(names = {"-s", "--source"}, required = true, paramLabel = "PATH",
            description = "what to stream: PATH as its own name, PATH/ as its contents")
    private String source;

    @Option(names = {"-u", "--user"}, defaultValue = "root", description = "as this user of the container (default: ${DEFAULT-VALUE})")
    private String user;

    @Override
    public Integer call() throws IOException {
        try (InputStream tar = main.client().streamOut(handle, source, user)) {
            tar.transferTo(main.terminal().out());
        }
        main.terminal().out().flush();
        return 0;
    }
}
