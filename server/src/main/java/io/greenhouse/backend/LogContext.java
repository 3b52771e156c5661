package io.greenhouse.backend;

/**
 * What the lines a thread logs carry besides their text: the container (and process) they are
 * about, as fields of their own in JSON logs, so a log shipper can select every line about one
 * container. The backend names the container before each per-container step it runs outside a
 * request (reload, the reaper); a Liberty adapter turns that into log record extensions.
 */
public interface LogContext {
    /** Lines this thread logs from now on are about {@code handle} and, unless null, {@code processId}. */
    void enter(String handle, String processId);

    /** Lines this thread logs from now on are about no container. */
    void clear();

    /** {@code task}, run with the fields of the thread that calls this (a task started for a request). */
    Runnable carrying(Runnable task);

    default void enter(String handle) {
        enter(handle, null);
    }

    LogContext NONE = new LogContext() {
        @Override
        public void enter(String handle, String processId) {
        }

        @Override
        public void clear() {
        }

        @Override
        public Runnable carrying(Runnable task) {
            return task;
        }
    };
}
