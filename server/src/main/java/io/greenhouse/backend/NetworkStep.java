package io.greenhouse.backend;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Connects the container's network namespace once its init runs (networking needs the init's pid):
 * an address, port mappings, egress rules, bandwidth. Undone before the runtime's container goes.
 */
final class NetworkStep implements CreateStep {
    private static final Logger LOG = Logger.getLogger(NetworkStep.class.getName());

    private final Networker networker;

    NetworkStep(Networker networker) {
        this.networker = networker;
    }

    @Override
    public String name() {
        return "network";
    }

    @Override
    public void make(Assembly container) {
        container.network(networker.connect(container.handle(), NetworkRequest.of(container.spec()),
                container.initPid(), container.directory()));
    }

    @Override
    public void unmake(Assembly container) {
        networker.disconnect(container.handle(), container.directory());
    }

    @Override
    public void restore(Assembly container) {
        try {
            container.network(networker.restore(container.handle(), container.directory())
                    .orElse(ContainerNetwork.NONE));
        } catch (RuntimeException e) {
            // the init still runs and its addresses are still configured; only what is reported is
            // missing, which is no reason to remove a running container
            LOG.log(Level.WARNING, "could not restore the network state of " + container.handle(), e);
            container.network(ContainerNetwork.NONE);
        }
    }
}
