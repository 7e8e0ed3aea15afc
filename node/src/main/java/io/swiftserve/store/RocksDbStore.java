package io.swiftserve.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link KeyValueStore} on RocksDB, one column family per {@link Segment}. A {@link Batch} is one
 * RocksDB {@link WriteBatch}, written to the WAL in one piece, so a crash never leaves half of it.
 */
public final class RocksDbStore implements KeyValueStore {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final WriteOptions writeOptions = new WriteOptions();
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final Map<Segment, ColumnFamilyHandle> bySegment = new EnumMap<>(Segment.class);
    private boolean closed;
    /** Readers and writers hold it shared; close() takes it exclusively, so no call reaches a closed RocksDB (which would crash the JVM). */
    private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    @SuppressWarnings("EnumOrdinal") // the families are opened in Segment.values() order, after the default one
    private RocksDbStore(
            RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions, List<ColumnFamilyHandle> handles) {
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.handles.addAll(handles);
        // handle 0 is RocksDB's mandatory default family, unused
        for (Segment s : Segment.values()) {
            bySegment.put(s, handles.get(s.ordinal() + 1));
        }
    }

    /** Opens (creating if needed) the store in {@code dir}. */
    public static RocksDbStore open(Path dir) {
        try {
            io.swiftserve.util.PrivateDirs.create(dir);
            DBOptions dbOptions = new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setKeepLogFileNum(3)
                    .setMaxTotalWalSize(64L << 20);
            ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().optimizeForSmallDb();
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors(cfOptions), handles);
            return new RocksDbStore(db, dbOptions, cfOptions, handles);
        } catch (RocksDBException e) {
            throw new StoreException("cannot open the store at " + dir + ": " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing store for reading only, beside a daemon that may hold it open for writing:
     * what it reads is the store as it was at this call. Writes fail.
     */
    public static RocksDbStore openReadOnly(Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new StoreException("no store at " + dir, null);
        }
        try {
            DBOptions dbOptions = new DBOptions();
            ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().optimizeForSmallDb();
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors(cfOptions), handles);
            return new RocksDbStore(db, dbOptions, cfOptions, handles);
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the store at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** RocksDB's default family, then one per {@link Segment} in declaration order (the constructor relies on it). */
    private static List<ColumnFamilyDescriptor> descriptors(ColumnFamilyOptions cfOptions) {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (Segment s : Segment.values()) {
            descriptors.add(new ColumnFamilyDescriptor(s.columnFamilyName(), cfOptions));
        }
        return descriptors;
    }

    @Override
    public Optional<byte[]> get(Segment segment, byte[] key) {
        enter();
        try {
            return Optional.ofNullable(db.get(bySegment.get(segment), key));
        } catch (RocksDBException e) {
            throw new StoreException("read failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void scan(Segment segment, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        enter();
        try (RocksIterator it = db.newIterator(bySegment.get(segment))) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!Bytes.startsWith(key, prefix)) {
                    break;
                }
                visitor.accept(key, it.value());
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void enter() {
        lifecycle.readLock().lock();
        if (closed) {
            lifecycle.readLock().unlock();
            throw new StoreException("the store is closed", null);
        }
    }

    @Override
    public Batch batch() {
        WriteBatch batch = new WriteBatch();
        return new Batch() {
            @Override
            public Batch put(Segment segment, byte[] key, byte[] value) {
                try {
                    batch.put(bySegment.get(segment), key, value);
                } catch (RocksDBException e) {
                    throw new StoreException("batch put failed: " + e.getMessage(), e);
                }
                return this;
            }

            @Override
            public Batch delete(Segment segment, byte[] key) {
                try {
                    batch.delete(bySegment.get(segment), key);
                } catch (RocksDBException e) {
                    throw new StoreException("batch delete failed: " + e.getMessage(), e);
                }
                return this;
            }

            @Override
            public void commit() {
                enter();
                try (batch) {
                    db.write(writeOptions, batch);
                } catch (RocksDBException e) {
                    throw new StoreException("write failed: " + e.getMessage(), e);
                } finally {
                    lifecycle.readLock().unlock();
                }
            }
        };
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            closeLocked();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
        } catch (RocksDBException e) {
            // the WAL still holds everything; a flush failure only costs replay time at next open
        }
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        writeOptions.close();
        dbOptions.close();
        cfOptions.close();
    }
}
