package io.greenhouse.network;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerInfo.PortMapping;
import io.greenhouse.backend.ContainerNetwork;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.NetOutRule;
import io.greenhouse.backend.NetworkRequest;
import io.greenhouse.backend.Networker;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Networking turned off (greenhouse.network.enabled=false): containers have loopback only. */
public final class LoopbackOnly implements Networker {
    @Override
    public List<BindMount> prepare(String handle, Path containerDirectory) {
        return List.of();
    }

    @Override
    public ContainerNetwork connect(String handle, NetworkRequest request, int initPid, Path containerDirectory) {
        if (!request.netIn().isEmpty() || !request.netOut().isEmpty() || !request.network().isEmpty()) {
            throw disabled();
        }
        return ContainerNetwork.NONE;
    }

    @Override
    public PortMapping netIn(String handle, Path containerDirectory, long hostPort, long containerPort) {
        throw disabled();
    }

    @Override
    public void netOut(String handle, Path containerDirectory, List<NetOutRule> rules) {
        throw disabled();
    }

    @Override
    public void disconnect(String handle, Path containerDirectory) {
    }

    @Override
    public Optional<ContainerNetwork> restore(String handle, Path containerDirectory) {
        return Optional.empty();
    }

    @Override
    public void prune() {
    }

    @Override
    public int capacity() {
        return Integer.MAX_VALUE;
    }

    private static GardenException disabled() {
        return new GardenException("networking is turned off on this cell (greenhouse.network.enabled=false)");
    }
}
