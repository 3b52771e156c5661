package io.greenhouse.backend;

/** The in-memory depot of the unit tests keeps the contract of the real one. */
class InMemoryStoreTest extends ContainerStoreContract {
    @Override
    protected ContainerStore newStore() {
        return new InMemoryStore();
    }
}
