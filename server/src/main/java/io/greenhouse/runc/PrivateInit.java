package io.greenhouse.runc;

import io.greenhouse.oci.InitProcessRule;
import io.greenhouse.oci.Mount;
import io.greenhouse.oci.Spec;
import io.greenhouse.oci.StandardMountsRule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Places the copy of the host's init that a privileged container's bundle binds
 * ({@link StandardMountsRule#PRIVATE_INIT}), once: a restarted or restored container keeps its own.
 */
final class PrivateInit {
    private PrivateInit() {
    }

    static void place(Spec spec, Path bundle, Path hostInit) {
        Path copy = bundle.resolve(StandardMountsRule.PRIVATE_INIT);
        boolean wanted = spec.mounts().stream().anyMatch(m -> InitProcessRule.INIT_PATH.equals(m.destination())
                && "bind".equals(m.type()) && copy.toString().equals(m.source()));
        if (!wanted || Files.isRegularFile(copy)) {
            return;
        }
        if (hostInit == null) {
            throw new IllegalStateException("a privileged container's bundle needs the host's init, which this runtime was not given");
        }
        Path tmp = bundle.resolve(StandardMountsRule.PRIVATE_INIT + ".tmp");
        try {
            Files.copy(hostInit, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("copying the init " + hostInit + " into " + bundle, e);
        }
    }
}
