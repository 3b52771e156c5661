package io.greenhouse.oci;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

@JsonbPropertyOrder({"destination", "type", "source", "options"})
public record Mount(String destination, String type, String source, List<String> options) {
    public Mount {
        options = Copies.list(options);
    }
}
