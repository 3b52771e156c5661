package io.greenhouse.client;

/** A Garden error answer: the error JSON's Type and Message, and the HTTP status. */
public final class GardenClientException extends RuntimeException {
    private final int status;
    private final String type;
    private final String handle;
    private final String processId;

    public GardenClientException(int status, String type, String message, String handle, String processId) {
        super(message);
        this.status = status;
        this.type = type;
        this.handle = handle;
        this.processId = processId;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String handle() {
        return handle;
    }

    public String processId() {
        return processId;
    }

    @Override
    public String toString() {
        return "GardenClientException[" + status + " " + type + ": " + getMessage() + "]";
    }
}
