package io.greenhouse.oci;

import java.util.ArrayList;
import java.util.List;

/** The init's environment: the plan's, with a root PATH when the image and spec give none. */
public final class EnvRule implements BundleRule {
    /** The PATH a root process gets when none is given, as in Guardian. */
    public static final String ROOT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** The PATH any other user's process gets. */
    public static final String USER_PATH = "PATH=/usr/local/bin:/usr/bin:/bin";

    @Override
    public Spec apply(Spec spec, BundleInput input) {
        return spec.withProcess(p -> p.withEnv(withDefaultPath(input.plan().env(), ROOT_PATH)));
    }

    /** {@code env}, with {@code path} (a PATH=... entry) appended when no entry names PATH. */
    public static List<String> withDefaultPath(List<String> env, String path) {
        if (env.stream().anyMatch(e -> e.equals("PATH") || e.startsWith("PATH="))) {
            return env;
        }
        List<String> withPath = new ArrayList<>(env);
        withPath.add(path);
        return withPath;
    }
}
