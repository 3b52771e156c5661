package io.greenhouse.oci;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/** An OCI process: a container's init, a pea's process, or one {@code runc exec --process} runs. */
@JsonbPropertyOrder({"terminal", "consoleSize", "user", "args", "env", "cwd", "capabilities", "rlimits", "noNewPrivileges"})
public record Process(
        boolean terminal,
        ConsoleSize consoleSize,
        User user,
        List<String> args,
        List<String> env,
        String cwd,
        CapabilitySets capabilities,
        List<Rlimit> rlimits,
        boolean noNewPrivileges) {

    public static final Process EMPTY = new Process(false, null, null, null, null, null, null, null, false);

    public Process {
        args = Copies.list(args);
        env = Copies.list(env);
        rlimits = Copies.list(rlimits);
    }

    public Process withTerminal(boolean t, ConsoleSize size) {
        return new Process(t, size, user, args, env, cwd, capabilities, rlimits, noNewPrivileges);
    }

    public Process withUser(User u) {
        return new Process(terminal, consoleSize, u, args, env, cwd, capabilities, rlimits, noNewPrivileges);
    }

    public Process withArgs(List<String> a) {
        return new Process(terminal, consoleSize, user, a, env, cwd, capabilities, rlimits, noNewPrivileges);
    }

    public Process withEnv(List<String> e) {
        return new Process(terminal, consoleSize, user, args, e, cwd, capabilities, rlimits, noNewPrivileges);
    }

    public Process withCwd(String c) {
        return new Process(terminal, consoleSize, user, args, env, c, capabilities, rlimits, noNewPrivileges);
    }

    public Process withCapabilities(CapabilitySets c) {
        return new Process(terminal, consoleSize, user, args, env, cwd, c, rlimits, noNewPrivileges);
    }

    public Process withRlimits(List<Rlimit> r) {
        return new Process(terminal, consoleSize, user, args, env, cwd, capabilities, r, noNewPrivileges);
    }

    public Process withNoNewPrivileges(boolean n) {
        return new Process(terminal, consoleSize, user, args, env, cwd, capabilities, rlimits, n);
    }

    public record ConsoleSize(int height, int width) {
    }

    /**
     * uid and gid are unsigned 32-bit on the wire: held as long so that ids above 2^31 stay positive.
     *
     * @param additionalGids null to leave the list out, as for a container's init
     * @param umask          null for the runtime's default
     */
    @JsonbPropertyOrder({"uid", "gid", "umask", "additionalGids"})
    public record User(long uid, long gid, Integer umask, List<Long> additionalGids) {
        public User {
            additionalGids = Copies.list(additionalGids);
        }

        public static User root() {
            return new User(0, 0, null, null);
        }
    }

    /** The five capability sets; a null set is left out (an exec'd process sets only three). */
    @JsonbPropertyOrder({"bounding", "effective", "inheritable", "permitted", "ambient"})
    public record CapabilitySets(
            List<String> bounding,
            List<String> effective,
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {
        public CapabilitySets {
            bounding = Copies.list(bounding);
            effective = Copies.list(effective);
            inheritable = Copies.list(inheritable);
            permitted = Copies.list(permitted);
            ambient = Copies.list(ambient);
        }

        public static CapabilitySets all(List<String> caps) {
            return new CapabilitySets(caps, caps, caps, caps, caps);
        }
    }

    /** Limits are unsigned 64-bit on the wire (RLIM_INFINITY is 2^64-1), hence BigInteger. */
    @JsonbPropertyOrder({"type", "hard", "soft"})
    public record Rlimit(String type, java.math.BigInteger hard, java.math.BigInteger soft) {
        /** Soft and hard alike; {@code unsignedBits} is read as an unsigned 64-bit number (-1 is infinity). */
        public static Rlimit of(String type, long unsignedBits) {
            java.math.BigInteger value = new java.math.BigInteger(Long.toUnsignedString(unsignedBits));
            return new Rlimit(type, value, value);
        }
    }
}
