package io.greenhouse.image;

import java.util.List;

/** An image as the store needs it: its layers, lowest first, and the environment its config gives. */
record ResolvedImage(String name, List<Layer> layers, List<String> env) {
    ResolvedImage {
        layers = List.copyOf(layers);
        env = List.copyOf(env);
    }
}
