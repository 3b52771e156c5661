package io.greenhouse.cli;

import io.greenhouse.client.GardenProcess;
import sun.misc.Signal;

/** The container's terminal follows the local one's size: on SIGWINCH, the new size goes to the process. */
final class WindowChanges {
    private WindowChanges() {
    }

    static void follow(GardenProcess process) {
        try {
            Signal.handle(new Signal("WINCH"), signal -> {
                int[] size = RawMode.size();
                try {
                    process.resize(size[0], size[1]);
                } catch (RuntimeException e) {
                    // the process has gone
                }
            });
        } catch (IllegalArgumentException e) {
            // no SIGWINCH on this platform: the size stays what it was at the start
        }
    }
}
