package io.greenhouse.backend;

import java.util.List;

/**
 * The user namespace of unprivileged containers: how container uids and gids lie on the host.
 * Guardian's default maps container root to the host's highest valid id ("maximus",
 * 4294967294) and container ids 1..4294967293 to the same host ids.
 */
public record UserNamespace(List<IdRange> uids, List<IdRange> gids) {
    public static final long MAXIMUS = 4294967294L;

    public UserNamespace {
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
        if (uids.isEmpty() || gids.isEmpty()) {
            throw new IllegalArgumentException("a user namespace needs uid and gid ranges");
        }
    }

    public static UserNamespace guardian() {
        List<IdRange> ranges = List.of(new IdRange(0, MAXIMUS, 1), new IdRange(1, 1, MAXIMUS - 1));
        return new UserNamespace(ranges, ranges);
    }

    /** Where container uid {@code id} lies on the host, or -1 when it is not mapped. */
    public long hostUid(long id) {
        return map(uids, id);
    }

    public long hostGid(long id) {
        return map(gids, id);
    }

    private static long map(List<IdRange> ranges, long id) {
        for (IdRange r : ranges) {
            if (id >= r.containerId() && id - r.containerId() < r.size()) {
                return r.hostId() + (id - r.containerId());
            }
        }
        return -1;
    }

    /** The kernel's form of a map (uid_map, gid_map): one "container host size" line per range. */
    public static String procMap(List<IdRange> ranges) {
        StringBuilder b = new StringBuilder();
        for (IdRange r : ranges) {
            b.append(r.containerId()).append(' ').append(r.hostId()).append(' ').append(r.size()).append('\n');
        }
        return b.toString();
    }

    /**
     * Parses "container:host:size[,container:host:size...]", the form of the cell's settings.
     */
    public static List<IdRange> parseRanges(String text) {
        List<IdRange> ranges = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            String[] f = part.trim().split(":");
            if (f.length != 3) {
                throw new IllegalArgumentException("an id range is container:host:size, not " + part);
            }
            ranges.add(new IdRange(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return ranges;
    }

    /** Ids {@code containerId..containerId+size-1} in the container are {@code hostId..} on the host. */
    public record IdRange(long containerId, long hostId, long size) {
        public IdRange {
            if (containerId < 0 || hostId < 0 || size <= 0 || containerId + size > 1L << 32 || hostId + size > 1L << 32) {
                throw new IllegalArgumentException("bad id range " + containerId + " " + hostId + " " + size);
            }
        }
    }
}
