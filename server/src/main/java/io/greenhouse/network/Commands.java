package io.greenhouse.network;

import io.greenhouse.linux.HostCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The host programs networking is made with (iproute2's ip and tc, iptables-restore, nsenter).
 * Work that takes several steps goes to one program run as a batch file, so a container's network
 * costs a handful of execs, not one per step.
 */
class Commands {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    HostCommand.Result run(List<String> command) {
        return HostCommand.run(command, TIMEOUT);
    }

    /** Runs a command that reads a file, with the given text as that file. */
    HostCommand.Result runWithFile(List<String> commandBeforeFile, String text) {
        Path file;
        try {
            file = Files.createTempFile("greenhouse-net", ".batch");
        } catch (IOException e) {
            throw new UncheckedIOException("creating a batch file", e);
        }
        try {
            Files.writeString(file, text);
            List<String> command = new ArrayList<>(commandBeforeFile);
            command.add(file.toString());
            return run(command);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file; the next run does not need it gone
            }
        }
    }

    HostCommand.Result iptablesRestore(String rules) {
        return runWithFile(List.of("iptables-restore", "--wait", "--noflush"), rules);
    }

    HostCommand.Result iptables(List<String> args) {
        List<String> command = new ArrayList<>(List.of("iptables", "--wait"));
        command.addAll(args);
        return run(command);
    }

    /** ip -batch; with {@code force}, every line is tried even after one fails. */
    HostCommand.Result ipBatch(String lines, boolean force) {
        return runWithFile(force ? List.of("ip", "-force", "-batch") : List.of("ip", "-batch"), lines);
    }

    /** ip -batch inside the network namespace of the given process. */
    HostCommand.Result ipBatchIn(int pid, String lines) {
        return runWithFile(List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "ip", "-batch"), lines);
    }

    HostCommand.Result tcBatch(String lines) {
        return runWithFile(List.of("tc", "-batch"), lines);
    }

    HostCommand.Result tcBatchIn(int pid, String lines) {
        return runWithFile(List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "tc", "-batch"), lines);
    }
}
