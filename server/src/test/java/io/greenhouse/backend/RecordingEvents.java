package io.greenhouse.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Container events as a list of "created h", "create failed", "destroyed h". */
final class RecordingEvents implements ContainerEvents {
    final List<String> events = new ArrayList<>();

    @Override
    public void created(String handle, Duration took) {
        events.add("created " + handle);
    }

    @Override
    public void createFailed(Duration took) {
        events.add("create failed");
    }

    @Override
    public void destroyed(String handle, Duration took) {
        events.add("destroyed " + handle);
    }
}
