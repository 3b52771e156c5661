package io.greenhouse.depot;

import io.greenhouse.backend.ContainerRecord;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;

/** JSON form of a container record in the depot. */
public final class RecordCodec {
    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withFormatting(true));

    public String encode(ContainerRecord record) {
        return jsonb.toJson(record);
    }

    public ContainerRecord decode(String json) {
        return jsonb.fromJson(json, ContainerRecord.class);
    }
}
