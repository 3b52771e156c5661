package io.greenhouse.backend;

public final class ProcessNotFoundException extends GardenException {
    private final String processId;

    public ProcessNotFoundException(String processId) {
        super("unknown process: " + processId);
        this.processId = processId;
    }

    public String processId() {
        return processId;
    }
}
