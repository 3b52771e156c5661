package io.greenhouse.image;

import io.greenhouse.backend.GardenException;
import io.greenhouse.linux.Syscalls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mounts an overlay of many lower layers. The kernel takes mount options of one page at most
 * (4095 bytes), which 60 layers named by absolute store paths pass. A JVM cannot {@code chdir} to
 * use short relative paths (the working directory is the whole process's, shared by every thread),
 * {@code fsconfig} copies at most 256 bytes per value, and its per-layer {@code lowerdir+} needs
 * Linux 6.8. So when the plain options are too long, each lower layer is opened as an
 * {@code O_PATH} descriptor and named {@code /proc/self/fd/N} (about 20 bytes, whatever the store's
 * path): overlayfs resolves the names once, at mount time, and the descriptors are closed right
 * after. The mount table then shows those names instead of the layers' paths.
 */
final class OverlayMount {
    /** One page less the terminating NUL. */
    static final int MAX_OPTIONS = 4095;
    /** overlayfs's limit on lower layers. */
    static final int MAX_LAYERS = 500;

    private final Syscalls syscalls;

    OverlayMount(Syscalls syscalls) {
        this.syscalls = syscalls;
    }

    /** {@code lowers} topmost first, as overlayfs reads them. */
    void mount(List<Path> lowers, Path upper, Path work, Path merged) {
        if (lowers.size() > MAX_LAYERS) {
            throw new GardenException("image has " + lowers.size() + " layers; overlayfs mounts at most " + MAX_LAYERS);
        }
        List<String> names = lowers.stream().map(OverlayMount::checked).toList();
        String plain = options(names, checked(upper), checked(work));
        if (plain.length() <= MAX_OPTIONS) {
            syscalls.mount("overlay", merged.toString(), "overlay", 0, plain);
            return;
        }
        List<Integer> fds = new ArrayList<>();
        try {
            for (Path lower : lowers) {
                fds.add(syscalls.openPath(lower.toString()));
            }
            String short_ = options(fds.stream().map(fd -> "/proc/self/fd/" + fd).toList(), checked(upper), checked(work));
            if (short_.length() > MAX_OPTIONS) {
                throw new GardenException("image has too many layers (" + lowers.size() + ") for one overlay mount");
            }
            syscalls.mount("overlay", merged.toString(), "overlay", 0, short_);
        } finally {
            fds.forEach(syscalls::close);
        }
    }

    static String options(List<String> lowers, String upper, String work) {
        return "lowerdir=" + String.join(":", lowers) + ",upperdir=" + upper + ",workdir=" + work;
    }

    /** Overlay options are comma separated and ':' separates lower layers. */
    private static String checked(Path p) {
        String s = p.toString();
        if (s.contains(",") || s.contains(":") || s.contains("\\")) {
            throw new GardenException("rootfs path " + s + " may not contain ',', ':' or '\\'");
        }
        return s;
    }
}
