package io.greenhouse.process;

import java.util.ArrayList;
import java.util.List;

/** The command line of a process run under a keeper: {@code INIT keep DIR -- ARGS...}. */
final class Keepers {
    private Keepers() {
    }

    /**
     * @param init      the init binary as the container sees it
     * @param directory the process's FIFO directory as the container sees it
     * @param args      the process's own arguments, its path first
     */
    static List<String> args(String init, String directory, List<String> args) {
        List<String> all = new ArrayList<>(List.of(init, "keep", directory, "--"));
        all.addAll(args);
        return all;
    }
}
