package io.greenhouse.backend;

/** The test double passes the networker contract. */
class FakeNetworkerTest extends NetworkerContract {
    @Override
    protected Networker networker(int capacity) {
        return new FakeNetworker(capacity);
    }

    @Override
    protected Networker restarted(Networker previous) {
        FakeNetworker p = (FakeNetworker) previous;
        return new FakeNetworker(p.capacity(), p.saved);
    }

    @Override
    protected int initPid() {
        return 42;
    }
}
