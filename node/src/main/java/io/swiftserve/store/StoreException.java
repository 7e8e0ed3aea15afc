package io.swiftserve.store;

/** The store could not be opened, read or written (disk full, corruption, locked by another process). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
