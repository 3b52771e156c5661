package io.greenhouse.backend;

/**
 * Makes the files the container's /etc/hosts and /etc/resolv.conf are bind mounted from, before the
 * runtime starts it: the bundle must name them, though their content needs the address the network
 * step gives later. They live in the depot directory and go with it.
 */
final class NetworkFilesStep implements CreateStep {
    private final Networker networker;

    NetworkFilesStep(Networker networker) {
        this.networker = networker;
    }

    @Override
    public String name() {
        return "network-files";
    }

    @Override
    public void make(Assembly container) {
        container.networkMounts(networker.prepare(container.handle(), container.directory()));
    }

    @Override
    public void unmake(Assembly container) {
        // the files are removed with the depot directory
    }

    @Override
    public void restore(Assembly container) {
        // peas of a reloaded container mount the same files
        container.networkMounts(networker.prepare(container.handle(), container.directory()));
    }
}
