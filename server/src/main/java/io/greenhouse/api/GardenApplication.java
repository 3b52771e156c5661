package io.greenhouse.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Garden's routes sit at the root, exactly as the Go client builds them. */
@ApplicationPath("/")
public class GardenApplication extends Application {
}
