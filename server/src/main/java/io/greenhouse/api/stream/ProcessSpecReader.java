package io.greenhouse.api.stream;

import io.greenhouse.api.GoDecoder;
import io.greenhouse.api.InputChecks;
import io.greenhouse.api.JsonBodies;
import io.greenhouse.api.wire.BindMountJson;
import io.greenhouse.api.wire.ImageRefJson;
import io.greenhouse.api.wire.ProcessSpecJson;
import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.backend.WindowSize;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads garden.ProcessSpec JSON (the body of a Run request) into the backend's ProcessSpec,
 * bound as Go's decoder binds it ({@link GoDecoder}): wrong types and out-of-range numbers are
 * Garden errors, never coerced or silently dropped.
 */
public final class ProcessSpecReader {
    /** Stateless: it only reads the records' declarations. */
    private static final GoDecoder DECODER = new GoDecoder();

    private ProcessSpecReader() {
    }

    public static ProcessSpec read(String body) {
        if (body == null || body.isBlank()) {
            throw new GardenException("malformed process spec: request body is empty; expected JSON");
        }
        JsonValue tree = JsonBodies.parse(body);
        if (!(tree instanceof JsonObject)) {
            throw new GardenException("malformed process spec: expected a JSON object");
        }
        ProcessSpecJson json = (ProcessSpecJson) DECODER.decode(tree, ProcessSpecJson.class);
        List<String> args = strings(json.args(), "args");
        args.forEach(InputChecks::argument);
        return new ProcessSpec(json.id(), InputChecks.path(json.path(), "path"), args,
                InputChecks.env(strings(json.env(), "env"), "env"), InputChecks.path(json.dir(), "dir"),
                InputChecks.user(json.user()), rlimits(json.rlimits()), tty(json.tty()), image(json.image()),
                bindMounts(json.bindMounts()), limits(json.limits()));
    }

    /** A stdin payload's "tty": a resize. */
    static WindowSize windowSize(JsonObject tty) {
        return windowSize((ProcessSpecJson.TtySpecJson) DECODER.decode(tty, ProcessSpecJson.TtySpecJson.class));
    }

    private static WindowSize tty(ProcessSpecJson.TtySpecJson tty) {
        return tty == null ? null : windowSize(tty);
    }

    private static WindowSize windowSize(ProcessSpecJson.TtySpecJson tty) {
        ProcessSpecJson.WindowSizeJson size = tty.windowSize();
        if (size == null) {
            return WindowSize.DEFAULT;
        }
        return new WindowSize(size.columns() == null ? 0 : size.columns(), size.rows() == null ? 0 : size.rows());
    }

    private static List<String> strings(List<String> values, String key) {
        if (values == null) {
            return List.of();
        }
        if (values.contains(null)) {
            throw new GardenException("malformed process spec: " + key + " must be an array of strings, not null");
        }
        return values;
    }

    private static Map<String, Long> rlimits(Map<String, Long> rlimits) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (rlimits != null) {
            rlimits.forEach((name, value) -> {
                if (value != null) {
                    out.put(name, value);
                }
            });
        }
        return out;
    }

    private static ImageRef image(ImageRefJson image) {
        if (image == null) {
            return ImageRef.DEFAULT;
        }
        return new ImageRef(orEmpty(InputChecks.imageUri(image.uri())), orEmpty(image.username()),
                orEmpty(image.password()));
    }

    /** Garden's OverrideContainerLimits: absent means the pea shares the container's limits. */
    private static ResourceLimits limits(ProcessSpecJson.ProcessLimitsJson limits) {
        if (limits == null) {
            return null;
        }
        long memory = limits.memory() == null ? 0 : orZero(limits.memory().limitInBytes());
        long shares = limits.cpu() == null ? 0 : orZero(limits.cpu().limitInShares());
        long weight = limits.cpu() == null ? 0 : orZero(limits.cpu().weight());
        return new ResourceLimits(memory, shares, weight, 0, null, 0, 0);
    }

    private static List<BindMount> bindMounts(List<BindMountJson> mounts) {
        if (mounts == null) {
            return List.of();
        }
        List<BindMount> out = new ArrayList<>();
        for (BindMountJson m : mounts) {
            if (m == null) {
                throw new GardenException("malformed process spec: a bind mount must be a JSON object, not null");
            }
            int mode = m.mode() == null ? 0 : m.mode();
            int origin = m.origin() == null ? 0 : m.origin();
            if (mode > 1 || origin > 1) {
                throw new GardenException("malformed process spec: bind mount mode and origin are 0 or 1");
            }
            out.add(new BindMount(orEmpty(InputChecks.path(m.srcPath(), "bind mount src_path")),
                    orEmpty(InputChecks.path(m.dstPath(), "bind mount dst_path")), mode == 1, origin == 1));
        }
        return out;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
