package io.greenhouse.cli;

import io.greenhouse.client.GardenClient;
import io.greenhouse.client.GardenClientException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * {@code greenhouse}: the Garden API from a shell, over the project's Java client, for operators
 * (what gaol is for Guardian). Each subcommand is one Garden call; {@code run} passes the process's
 * exit code through, every other failure exits 1 with Garden's error type and message on stderr.
 */
@Command(name = "greenhouse", mixinStandardHelpOptions = true, version = "greenhouse 0.1.0",
        description = "Talk to a Garden server (Greenhouse or Guardian).",
        subcommands = {CommandLine.HelpCommand.class, ListCommand.class, CreateCommand.class, InfoCommand.class,
                RunCommand.class, StreamInCommand.class, StreamOutCommand.class, NetInCommand.class,
                DestroyCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the server refused or failed (its error on stderr)", "2:bad usage",
                "N:run: the process's own exit code"})
public final class Main implements Runnable {
    /** Exit code of a Garden error or an unreachable server. */
    static final int FAILED = 1;

    @Option(names = {"-T", "--target"}, paramLabel = "URL",
            defaultValue = "${env:GREENHOUSE_TARGET:-http://127.0.0.1:7777}",
            description = "the Garden server (default: $GREENHOUSE_TARGET or ${DEFAULT-VALUE})")
    private URI target;

    private final Terminal terminal;

    Main(Terminal terminal) {
        this.terminal = terminal;
    }

    GardenClient client() {
        return new GardenClient(target);
    }

    Terminal terminal() {
        return terminal;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed (see --help)");
    }

    /** The command line over a terminal; the tests use it with their own streams. */
    static CommandLine commandLine(Terminal terminal) {
        Main main = new Main(terminal);
        CommandLine line = new CommandLine(main);
        // Everything after the handle is the command, its options included (run web-1 ls -l).
        line.getSubcommands().get("run").setStopAtPositional(true);
        line.setOut(new PrintWriter(terminal.out(), true));
        line.setErr(new PrintWriter(terminal.err(), true));
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof GardenClientException g) {
                err.println("greenhouse: " + (g.type().isEmpty() ? "" : g.type() + ": ") + g.getMessage());
            } else if (e instanceof UncheckedIOException io) {
                Throwable cause = io.getCause();
                err.println("greenhouse: cannot talk to the server at " + main.target + ": "
                        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
            } else {
                err.println("greenhouse: " + e.getMessage());
            }
            err.flush();
            return FAILED;
        });
        return line;
    }

    public static void main(String[] args) {
        System.exit(commandLine(Terminal.system()).execute(args));
    }
}
