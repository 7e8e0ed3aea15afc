package io.swiftserve.store;

class InMemoryStoreTest extends KeyValueStoreContract {
    @Override
    protected KeyValueStore open() {
        return new InMemoryStore();
    }
}
