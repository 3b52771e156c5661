package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/**
 * What Guardian's debug server publishes at /debug/vars (Go's expvar): the command line and the
 * runtime's memory statistics, here the JVM's, under the names of Go's runtime.MemStats.
 */
public record DebugVarsJson(
        @JsonbProperty("cmdline") List<String> cmdline,
        @JsonbProperty("memstats") MemStatsJson memstats) {

    public record MemStatsJson(
            @JsonbProperty("Alloc") long alloc,
            @JsonbProperty("Sys") long sys,
            @JsonbProperty("HeapAlloc") long heapAlloc,
            @JsonbProperty("HeapSys") long heapSys,
            @JsonbProperty("HeapInuse") long heapInuse,
            @JsonbProperty("NumGC") long numGc,
            @JsonbProperty("PauseTotalNs") long pauseTotalNs) {
    }
}
