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
 * Arguments: cell URL, number of containers, rules per bulk (0: no NetIn/NetOut), and "net" or
 * "nonet" (whether the cell has networking).
 */
public final class NetworkBenchmark {
    public static void main(String[] args) {
        GardenClient client = new GardenClient(URI.create(args[0]));
        int n = Integer.parseInt(args[1]);
        int rules = Integer.parseInt(args[2]);
        boolean net = args.length < 4 || args[3].equals("net");
        client.ping();
        List<Long> creates = new ArrayList<>();
        List<Long> netIns = new ArrayList<>();
        List<Long> bulks = new ArrayList<>();
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
                for (String h : handles) {
                    long t = System.nanoTime();
                    client.netIn(h, 0, 8080);
                    netIns.add(System.nanoTime() - t);
                    t = System.nanoTime();
                    client.bulkNetOut(h, array);
                    bulks.add(System.nanoTime() - t);
                }
            }
        } finally {
            for (String h : client.list(Map.of())) {
                if (h.startsWith("netbench-")) {
                    client.destroy(h);
                }
            }
        }
        LifecycleBenchmark.report("create (" + (net ? "networking" : "no networking") + ")", creates);
        if (!netIns.isEmpty()) {
            LifecycleBenchmark.report("NetIn with " + n + " containers", netIns);
            LifecycleBenchmark.report("BulkNetOut of " + rules + " rules with " + n + " containers", bulks);
        }
    }
}
