package io.greenhouse.backend;

/**
 * For a container made from another cell's checkpoint archive (issue 16): unpacks its writable
 * layer into the upper directory before the rootfs step mounts the overlay on it, and its dump
 * into the checkpoint directory. What it wrote goes with the writable layer (rootfs and disk
 * steps) and the checkpoint (checkpoint step).
 */
final class ImportStep implements CreateStep {

    @Override
    public String name() {
        return "import";
    }

    @Override
    public void make(Assembly container) {
        container.incoming().ifPresent(in -> in.unpack(container.directory(),
                container.directory().resolve(RootfsProvider.UPPER_LAYER)));
    }

    @Override
    public void unmake(Assembly container) {
    }

    @Override
    public void restore(Assembly container) {
    }
}
