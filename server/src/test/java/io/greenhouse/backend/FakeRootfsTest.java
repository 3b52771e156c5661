package io.greenhouse.backend;

import java.nio.file.Path;

/** The unit tests' root filesystems keep the contract of the overlay provider. */
class FakeRootfsTest extends RootfsProviderContract {
    private final FakeRootfs fake = new FakeRootfs();

    @Override
    protected RootfsProvider newProvider() {
        return fake;
    }

    @Override
    protected boolean isMounted(Path path) {
        return fake.mounted.contains(path);
    }
}
