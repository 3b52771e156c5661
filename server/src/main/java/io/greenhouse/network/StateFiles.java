package io.greenhouse.network;

import io.greenhouse.backend.ContainerInfo.PortMapping;
import io.greenhouse.backend.NetOutRule;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container's network state as JSON, written atomically (a crash leaves the old or the new
 * file). Streamed with JSON-P rather than bound with JSON-B: a container may hold thousands of
 * egress rules, and binding them by reflection took longer than applying them.
 */
final class StateFiles {

    void save(Path file, NetworkState s) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); JsonGenerator g = Json.createGenerator(w)) {
                g.writeStartObject()
                        .write("handle", s.handle()).write("id", s.id()).write("subnet", s.subnet())
                        .write("containerIp", s.containerIp()).write("externalIp", s.externalIp())
                        .write("mtu", s.mtu()).write("bandwidthRate", s.bandwidthRate())
                        .write("bandwidthBurst", s.bandwidthBurst())
                        .write("egressHead", s.egressHead());
                g.writeStartArray("dnsServers");
                s.dnsServers().forEach(g::write);
                g.writeEnd();
                g.writeStartArray("mappedPorts");
                for (PortMapping m : s.mappedPorts()) {
                    g.writeStartObject().write("hostPort", m.hostPort()).write("containerPort", m.containerPort()).writeEnd();
                }
                g.writeEnd();
                g.writeStartArray("rules");
                for (NetOutRule r : s.rules()) {
                    writeRule(g, r);
                }
                g.writeEnd();
                g.writeEnd();
            }
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("saving " + file, e);
        }
    }

    private static void writeRule(JsonGenerator g, NetOutRule r) {
        g.writeStartObject().write("protocol", r.protocol().name()).write("log", r.log());
        g.writeStartArray("networks");
        for (NetOutRule.IpRange n : r.networks()) {
            g.writeStartObject().write("start", n.start() == null ? "" : n.start())
                    .write("end", n.end() == null ? "" : n.end()).writeEnd();
        }
        g.writeEnd();
        g.writeStartArray("ports");
        for (NetOutRule.PortRange p : r.ports()) {
            g.writeStartObject().write("start", p.start()).write("end", p.end()).writeEnd();
        }
        g.writeEnd();
        if (r.icmps() != null) {
            g.writeStartObject("icmps").write("type", r.icmps().type());
            if (r.icmps().code() != null) {
                g.write("code", r.icmps().code());
            }
            g.writeEnd();
        }
        g.writeEnd();
    }

    Optional<NetworkState> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader reader = Json.createReader(r)) {
            JsonObject o = reader.readObject();
            List<PortMapping> ports = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("mappedPorts")) {
                JsonObject m = v.asJsonObject();
                ports.add(new PortMapping(m.getJsonNumber("hostPort").longValue(), m.getJsonNumber("containerPort").longValue()));
            }
            List<NetOutRule> rules = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("rules")) {
                rules.add(readRule(v.asJsonObject()));
            }
            return Optional.of(new NetworkState(o.getString("handle"), o.getString("id"), o.getString("subnet"),
                    o.getString("containerIp"), o.getString("externalIp"), o.getInt("mtu"), ports, rules,
                    o.getJsonNumber("bandwidthRate").longValue(), o.getJsonNumber("bandwidthBurst").longValue(),
                    strings(o.getJsonArray("dnsServers")), o.getInt("egressHead", -1)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("unreadable network state " + file + ": " + e.getMessage(), e);
        }
    }

    private static NetOutRule readRule(JsonObject o) {
        List<NetOutRule.IpRange> networks = new ArrayList<>();
        for (JsonValue v : o.getJsonArray("networks")) {
            networks.add(new NetOutRule.IpRange(v.asJsonObject().getString("start"), v.asJsonObject().getString("end")));
        }
        List<NetOutRule.PortRange> ports = new ArrayList<>();
        for (JsonValue v : o.getJsonArray("ports")) {
            ports.add(new NetOutRule.PortRange(v.asJsonObject().getInt("start"), v.asJsonObject().getInt("end")));
        }
        JsonObject icmp = o.getJsonObject("icmps");
        return new NetOutRule(NetOutRule.Protocol.valueOf(o.getString("protocol")), networks, ports,
                icmp == null ? null : new NetOutRule.IcmpControl(icmp.getInt("type"),
                        icmp.containsKey("code") ? icmp.getInt("code") : null),
                o.getBoolean("log"));
    }

    private static List<String> strings(JsonArray a) {
        return a.getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList();
    }
}
