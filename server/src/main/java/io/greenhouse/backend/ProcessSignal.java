package io.greenhouse.backend;

/** The signals Garden lets a client send to a process (wire values 0 and 1). */
public enum ProcessSignal {
    TERMINATE(15),
    KILL(9);

    private final int number;

    ProcessSignal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
