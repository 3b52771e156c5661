package io.greenhouse.backend;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a client asks for when it creates a container. */
public record ContainerSpec(
        String handle,
        Duration graceTime,
        ImageRef image,
        List<BindMount> bindMounts,
        String network,
        Map<String, String> properties,
        List<String> env,
        boolean privileged,
        ResourceLimits limits,
        List<ContainerInfo.PortMapping> netIn,
        List<NetOutRule> netOut) {

    public ContainerSpec {
        image = image == null ? ImageRef.DEFAULT : image;
        bindMounts = bindMounts == null ? List.of() : List.copyOf(bindMounts);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        env = env == null ? List.of() : List.copyOf(env);
        limits = limits == null ? ResourceLimits.NONE : limits;
        graceTime = graceTime == null ? Duration.ZERO : graceTime;
        network = network == null ? "" : network;
        netIn = netIn == null ? List.of() : List.copyOf(netIn);
        netOut = netOut == null ? List.of() : List.copyOf(netOut);
    }

    public ContainerSpec withHandle(String newHandle) {
        return new ContainerSpec(newHandle, graceTime, image, bindMounts, network, properties, env, privileged, limits,
                netIn, netOut);
    }

    /** The spec as it may be stored or logged: the image without its registry credentials. */
    public ContainerSpec withoutCredentials() {
        if (image.username().isEmpty() && image.password().isEmpty()) {
            return this;
        }
        return new ContainerSpec(handle, graceTime, new ImageRef(image.uri(), "", ""), bindMounts, network,
                properties, env, privileged, limits, netIn, netOut);
    }

    public ContainerSpec withGraceTime(Duration newGraceTime) {
        return new ContainerSpec(handle, newGraceTime, image, bindMounts, network, properties, env, privileged, limits,
                netIn, netOut);
    }
}
