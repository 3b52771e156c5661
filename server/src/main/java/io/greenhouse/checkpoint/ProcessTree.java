package io.greenhouse.checkpoint;

import io.greenhouse.backend.GardenException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The tree criu dumps: the init and its descendants, as /proc lists them. Checked before a dump
 * because criu restores every task of the tree into one time namespace. A restored init lives
 * in a time namespace criu made for it (criu 4 always makes one), which runC 1.1's exec does not
 * join: a process exec'd after a restore whose orphan init adopted is dumped happily, but the
 * restore then fails ("Can't restore sub-task in NS") and the container would be lost. Such a
 * dump is refused before anything is frozen.
 */
final class ProcessTree {
    private final Path proc;

    ProcessTree(Path proc) {
        this.proc = proc;
    }

    /** The init and its descendants, init first. */
    List<Integer> of(int init) {
        List<Integer> tree = new ArrayList<>();
        Deque<Integer> todo = new ArrayDeque<>(List.of(init));
        while (!todo.isEmpty()) {
            int pid = todo.pop();
            tree.add(pid);
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve(pid + "/task"))) {
                for (Path task : tasks) {
                    for (String child : Files.readString(task.resolve("children")).trim().split("\\s+")) {
                        if (!child.isEmpty()) {
                            todo.add(Integer.parseInt(child));
                        }
                    }
                }
            } catch (IOException e) {
                // gone meanwhile: it will not be dumped either
            }
        }
        return tree;
    }

    void requireOneTimeNamespace(String handle, int init) {
        String expected = timeNamespace(init);
        for (int pid : of(init)) {
            String ns = timeNamespace(pid);
            if (expected != null && ns != null && !ns.equals(expected)) {
                throw new GardenException("cannot checkpoint " + handle + ": process " + pid + " (" + command(pid)
                        + ") runs outside the container's time namespace (it was started after the last restore, "
                        + "which runc exec does not join); criu would dump it but could never restore it");
            }
        }
    }

    private String timeNamespace(int pid) {
        try {
            return Files.readSymbolicLink(proc.resolve(pid + "/ns/time")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private String command(int pid) {
        try {
            return new String(Files.readAllBytes(proc.resolve(pid + "/cmdline"))).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
