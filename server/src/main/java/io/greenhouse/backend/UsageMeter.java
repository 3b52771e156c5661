package io.greenhouse.backend;

/** Reads what a running container uses of memory, CPU and pids. */
public interface UsageMeter {
    ResourceUsage usage(String handle);
}
