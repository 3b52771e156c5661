package io.greenhouse.depot;

import io.greenhouse.backend.ContainerStore;
import io.greenhouse.backend.ContainerStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The depot on disk, in a temporary directory, against the store contract. */
class DirectoryStoreTest extends ContainerStoreContract {
    @TempDir
    Path depot;

    @Override
    protected ContainerStore newStore() {
        return new DirectoryStore(depot.resolve("depot"), new RecordCodec());
    }
}
