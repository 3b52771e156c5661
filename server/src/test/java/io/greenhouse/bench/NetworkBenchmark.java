package io.greenhouse.bench;

import io.greenhouse.client.GardenClient;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures networking on a running cell: create latency (compare a cell with
 * greenhouse.network.enabled=false), then with N containers up, NetIn and a BulkNetOut of R rules
 * on each. A driver, not a test: run it by hand against a cell you started (with the egress guard
 * of the tests in place, or on a host whose containers may reach nothing), e.g.
 *
 * <pre>
 *   mvn -q -B test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.greenhouse.bench.NetworkBenchmark -Dexec.args="http://127.0.0.1:7777 250 3000 net"
 * </pre>
 *
 * Arguments: cell URL, number of containers, rules per bulk (0: no NetIn/NetOut), "net" or
 * "nonet" (whether the cell has networking), and optionally on how many containers (the last ones
 * created, so all N are up) the bulk and a NetIn go: the cell's port pool bounds the NetIns, and N
 * bulks of thousands of rules would fill the host's one filter table, which every iptables command
 * on a shared host reads. Every container then gets one single-rule NetOut (an append into its
 * chain), after the bulks.
 */
public final class NetworkBenchmark {
    public static void main(String[] args) {
        GardenClient client = new GardenClient(URI.create(args[0]));
        int n = Integer.parseInt(args[1]);
        int rules = Integer.parseInt(args[2]);
        boolean net = args.length < 4 || args[3].equals("net");
        int bulkOn = args.length > 4 ? Integer.parseInt(args[4]) : n;
        int netInOn = args.length > 5 ? Integer.parseInt(args[5]) : n;
        client.ping();
        List<Long> creates = new ArrayList<>();
        List<Long> netIns = new ArrayList<>();
        List<Long> bulks = new ArrayList<>();
        List<Long> singles = new ArrayList<>();
        List<String> handles = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                handles.add(client.create("netbench-" + i));
                creates.add(System.nanoTime() - t);
            }
            if (net && rules > 0) {
                JsonArrayBuilder bulk = Json.createArrayBuilder();
                for (int r = 0; r < rules; r++) {
                    bulk.add(Json.createObjectBuilder().add("protocol", 1)
                            .add("networks", Json.createArrayBuilder().add(Json.createObjectBuilder()
                                    .add("start", "10.254.130." + (r % 250 + 1)).add("end", "10.254.130." + (r % 250 + 1))))
                            .add("ports", Json.createArrayBuilder().add(Json.createObjectBuilder()
                                    .add("start", 1000 + r % 60000).add("end", 1000 + r % 60000))));
                }
                var array = bulk.build();
                for (String h : handles.subList(n - netInOn, n)) {
                    long t = System.nanoTime();
                    client.netIn(h, 0, 8080);
                    netIns.add(System.nanoTime() - t);
                }
                for (String h : handles.subList(n - bulkOn, n)) {
                    long t = System.nanoTime();
                    client.bulkNetOut(h, array);
                    bulks.add(System.nanoTime() - t);
                }
                var one = Json.createObjectBuilder().add("protocol", 1)
                        .add("networks", Json.createArrayBuilder().add(Json.createObjectBuilder()
                                .add("start", "10.254.131.1").add("end", "10.254.131.1")))
                        .add("ports", Json.createArrayBuilder().add(Json.createObjectBuilder().add("start", 443).add("end", 443)))
                        .build();
                for (String h : handles) {
                    long t = System.nanoTime();
                    client.netOut(h, one);
                    singles.add(System.nanoTime() - t);
                }
            }
        } finally {
            for (String h : client.list(Map.of())) {
                if (h.startsWith("netbench-")) {
                    client.destroy(h);
                }
            }
        }
        report("create (" + (net ? "networking" : "no networking") + ")", creates);
        if (!netIns.isEmpty()) {
            report("NetIn on " + netInOn + " of " + n + " containers", netIns);
            report("BulkNetOut of " + rules + " rules on " + bulkOn + " of " + n + " containers", bulks);
            report("NetOut of 1 rule on each of " + n + " containers (" + bulkOn + " holding "
                    + rules + " rules)", singles);
        }
    }

    private static void report(String what, List<Long> nanos) {
        long[] ms = nanos.stream().mapToLong(x -> x / 1_000_000).sorted().toArray();
        System.out.printf("%s: n=%d median=%d ms p90=%d ms max=%d ms mean=%.1f ms%n", what, ms.length,
                ms[ms.length / 2], ms[(int) (ms.length * 0.9)], ms[ms.length - 1],
                java.util.Arrays.stream(ms).average().orElse(0));
    }
}
