package io.greenhouse.process;

import java.util.List;

/** Who a process runs as, resolved in the container's own user database. */
public record ExecUser(String name, int uid, int gid, List<Integer> additionalGids, String home) {
    public ExecUser {
        additionalGids = List.copyOf(additionalGids);
    }

    public boolean isRoot() {
        return uid == 0;
    }
}
