package io.greenhouse.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/** Rows of figures with their floors, printed as they come and written as BENCHMARKS.md. */
final class Report {
    private final List<String> rows = new ArrayList<>();

    void add(String what, double value, String unit, String floor, String ratio) {
        String row = String.format("| %s | %.1f %s | %s | %s |", what, value, unit, floor == null ? "" : floor,
                ratio == null ? "" : ratio);
        rows.add(row);
        System.out.println(row);
    }

    void latencies(String what, Latencies l, Latencies floor, String floorName) {
        String f = floor == null ? null
                : String.format("%s: median %.1f ms, p95 %.1f ms", floorName, floor.median(), floor.p95());
        String r = floor == null ? null : String.format("%.2f× median, %.2f× p95", l.median() / floor.median(),
                l.p95() / floor.p95());
        String row = String.format("| %s (n=%d) | median %.1f ms, p95 %.1f ms | %s | %s |", what, l.count(),
                l.median(), l.p95(), f == null ? "" : f, r == null ? "" : r);
        rows.add(row);
        System.out.println(row);
    }

    void throughput(String what, double bytesPerSecond, double floor1, String name1, double floor2, String name2) {
        String row = String.format("| %s | %.0f MB/s | %s %.0f MB/s; %s %.0f MB/s | %.2f× pipe, %.2f× socket |", what,
                bytesPerSecond / 1e6, name1, floor1 / 1e6, name2, floor2 / 1e6, bytesPerSecond / floor1,
                bytesPerSecond / floor2);
        rows.add(row);
        System.out.println(row);
    }

    String markdown(String command, boolean quick, String note, ZonedDateTime when) throws Exception {
        StringBuilder b = new StringBuilder("# Benchmarks\n\n");
        b.append("- date: ").append(when).append('\n');
        b.append("- machine: ").append(InetAddress.getLocalHost().getHostName()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ").append(cpuModel()).append(", ")
                .append(memTotal()).append(", kernel ").append(System.getProperty("os.version")).append('\n');
        b.append("- load average at the end: ").append(Files.readString(Path.of("/proc/loadavg")).strip()).append('\n');
        b.append("- command: `").append(command).append("`").append(quick ? " (quick sizes)" : "").append('\n');
        if (!note.isBlank()) {
            b.append("- note: ").append(note).append('\n');
        }
        b.append("\n| Figure | Greenhouse | Floor (same run) | Ratio |\n|---|---|---|---|\n");
        rows.forEach(r -> b.append(r).append('\n'));
        return b.toString();
    }

    private static String cpuModel() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
    }

    private static String memTotal() throws Exception {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> (Long.parseLong(l.replaceAll("\\D", "")) >> 20) + " GiB RAM").orElse("");
    }
}
