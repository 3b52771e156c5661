package io.greenhouse.backend;

/**
 * One part of making a container. Create runs the steps in order; when one fails, the ones before
 * it are undone in reverse. Destroy undoes every step in reverse, even when one of them fails, and
 * reload asks each step to pick up what it made before the server restarted.
 */
interface CreateStep {

    /** The step's name, as fault injection and error messages call it. */
    String name();

    /** Makes this step's part. On failure it leaves nothing of its own behind. */
    void make(Assembly container);

    /**
     * Removes this step's part. Must succeed when the part was never made or only partly, since
     * destroy and rollback call it whatever happened before.
     */
    void unmake(Assembly container);

    /**
     * After a restart: finds this step's part as a previous run of the server made it.
     *
     * @throws ContainerGoneException when the part is definitely gone, so the container cannot be served
     * @throws StateUnknownException when it cannot be told now; the container is kept and asked again
     */
    void restore(Assembly container);
}
