package io.greenhouse.backend;

/** Mounts the container's root filesystem and records the environment its image asks for. */
final class RootfsStep implements CreateStep {
    private final RootfsProvider rootfs;
    private final ContainerStore store;

    RootfsStep(RootfsProvider rootfs, ContainerStore store) {
        this.rootfs = rootfs;
        this.store = store;
    }

    @Override
    public String name() {
        return "rootfs";
    }

    @Override
    public void make(Assembly container) {
        RootfsProvider.Rootfs made = rootfs.create(container.handle(), container.spec().image(), container.directory());
        container.rootfs(made);
        // the image env is kept so that processes get it after a restart too
        ContainerRecord withEnv = container.record().orElseThrow().withRootfsEnv(made.env());
        store.save(withEnv);
        container.record(withEnv);
    }

    @Override
    public void unmake(Assembly container) {
        rootfs.destroy(container.handle(), container.directory());
    }

    @Override
    public void restore(Assembly container) {
        container.rootfs(rootfs.restore(container.handle(), container.directory(),
                container.record().orElseThrow().rootfsEnv()));
    }
}
