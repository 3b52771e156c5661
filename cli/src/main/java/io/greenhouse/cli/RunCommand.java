package io.greenhouse.cli;

import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a process in a container; exit with its exit code.",
                "Stdin goes to the process, its stdout and stderr come back. Options come before the handle:",
                "everything after it is the command.",
                "  greenhouse run web-1 ls -l /",
                "  greenhouse run --tty web-1          (an interactive shell)"})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;
    @Spec
    private CommandSpec spec;

    @Option(names = {"-t", "--tty"},
            description = "on a terminal of its own (stdout and stderr merged); the local terminal goes raw")
    private boolean tty;

    @Option(names = {"-u", "--user"}, defaultValue = "root", description = "user of the container (default: ${DEFAULT-VALUE})")
    private String user;

    @Option(names = {"-d", "--dir"}, description = "working directory (default: the user's home)")
    private String dir;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "environment (repeatable)")
    private List<String> env = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "HANDLE")
    private String handle;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "path and arguments (default with --tty: sh)")
    private List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        if (command.isEmpty() && !tty) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a COMMAND is needed without --tty");
        }
        List<String> argv = command.isEmpty() ? List.of("sh") : command;
        Terminal terminal = main.terminal();
        boolean raw = tty && terminal.interactive();
        int[] size = raw ? RawMode.size() : new int[] {80, 24};
        JsonObjectBuilder s = Json.createObjectBuilder().add("path", argv.get(0)).add("user", user);
        JsonArrayBuilder args = Json.createArrayBuilder();
        argv.subList(1, argv.size()).forEach(args::add);
        s.add("args", args);
        if (dir != null) {
            s.add("dir", dir);
        }
        JsonArrayBuilder e = Json.createArrayBuilder();
        env.forEach(e::add);
        String term = System.getenv("TERM");
        if (tty && env.stream().noneMatch(v -> v.startsWith("TERM="))) {
            e.add("TERM=" + (term == null || term.isEmpty() ? "xterm" : term));
        }
        s.add("env", e);
        if (tty) {
            s.add("tty", Json.createObjectBuilder().add("window_size",
                    Json.createObjectBuilder().add("columns", size[0]).add("rows", size[1])));
        }
        ProcessStreams streams = new ProcessStreams(new Flushing(terminal.out()), new Flushing(terminal.err()));
        try (RawMode mode = raw ? RawMode.enter() : null) {
            GardenProcess p = main.client().run(handle, s.build(), streams);
            if (raw) {
                WindowChanges.follow(p);
            }
            p.pipeStdin(terminal.in());
            return p.exit().get();
        } catch (ExecutionException failed) {
            throw new IllegalStateException(failed.getCause().getMessage(), failed.getCause());
        }
    }

    /** Output as it comes: a prompt without a newline must show at once. */
    private static final class Flushing extends OutputStream {
        private final OutputStream out;

        Flushing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            out.flush();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            out.flush();
        }
    }
}
