package io.greenhouse.backend;

public record Capacity(long memoryInBytes, long diskInBytes, long schedulableDiskInBytes, long maxContainers) {
}
