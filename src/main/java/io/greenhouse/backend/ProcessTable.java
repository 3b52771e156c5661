package io.greenhouse.backend;

import java.util.List;

/** The processes run in containers, as far as container lifecycle needs to know them. */
public interface ProcessTable {

    /** Ids of the container's processes that have not exited. */
    List<String> runningIds(String handle);

    /** Called once the container is gone: drop every process record and free what they hold. */
    void forget(String handle);
}
