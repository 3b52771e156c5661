package io.greenhouse.backend;

public final class ContainerNotFoundException extends GardenException {
    private final String handle;

    public ContainerNotFoundException(String handle) {
        super("unknown handle: " + handle);
        this.handle = handle;
    }

    public String handle() {
        return handle;
    }
}
