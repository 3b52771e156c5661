package io.greenhouse.backend;

/**
 * Told after each step of a create or destroy has finished. Fault-injection tests use it to crash
 * the server between any two steps; in production it does nothing.
 */
public interface StepObserver {
    StepObserver NONE = (operation, step, handle) -> { };

    /**
     * @param operation "create" or "destroy"
     * @param step      the step just finished: the depot record ("depot", "destroying"), a
     *                  {@link CreateStep}'s name, or "created" once the container is complete
     */
    void after(String operation, String step, String handle);
}
