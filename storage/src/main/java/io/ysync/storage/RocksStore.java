package io.ysync.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * Owner of every RocksDB native object of a store.
 *
 * <p>Design note (after Kafka Streams' {@code RocksDBStore}): each native object is a field, created in the
 * constructor in dependency order and closed by {@link #close()} in the reverse order: column family handles, the
 * database, write/read options, database options, column family options, the write buffer manager, the bloom filter,
 * and last the block cache that the table config and the write buffer manager charge. Unlike Kafka Streams the WAL is
 * on: the log is the only durable copy of an update. Memory is bounded by {@link #blockCacheBytes} (data, index and
 * filter blocks) and {@link #writeBufferBytes} (all memtables, charged to the same cache).
 */
final class RocksStore implements AutoCloseable {
  /** Column family of the append-only logs: {@code prefix || seq -> entry}. */
  static final String CF_LOG = "log";
  /** Column family of the snapshots (and history checkpoints): {@code prefix || seq -> entry}. */
  static final String CF_SNAPSHOTS = "snapshots";
  /** Column family of per-document metadata: {@code prefix -> metadata} (oversized state vectors). */
  static final String CF_META = "meta";
  /** Compression of the column families: LZ4 is cheap and updates compress well. */
  static final CompressionType COMPRESSION = CompressionType.LZ4_COMPRESSION;
  /** Background flush and compaction threads (the machine has few cores). */
  static final int MAX_BACKGROUND_JOBS = 2;
  /** Memtables per column family before writes stall. */
  static final int MAX_WRITE_BUFFERS_PER_CF = 3;
  /** Bloom filter bits per key (point lookups of metadata and entries). */
  static final double BLOOM_BITS_PER_KEY = 10;
  /** Block size of the table files. */
  static final long BLOCK_SIZE = 16 * 1024;
  /** Column families sharing the write-buffer budget. */
  private static final int COLUMN_FAMILIES = 3;

  static {
    RocksDB.loadLibrary();
  }

  final String name;
  final long blockCacheBytes;
  final long writeBufferBytes;

  private final LRUCache cache;
  private final BloomFilter filter;
  private final WriteBufferManager writeBufferManager;
  private final ColumnFamilyOptions cfOptions;
  private final DBOptions dbOptions;
  private final WriteOptions syncWrite;
  private final WriteOptions asyncWrite;
  private final ReadOptions read;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final RocksDB db;
  final ColumnFamilyHandle log;
  final ColumnFamilyHandle snapshots;
  final ColumnFamilyHandle meta;

  /**
   * Opens (creating if missing) the database in {@code dir}; {@code name} names the store in exceptions.
   *
   * @throws StorageException if it cannot be opened; objects created so far are closed
   */
  RocksStore(Path dir, String name, long blockCacheBytes, long writeBufferBytes) {
    this.name = name;
    this.blockCacheBytes = blockCacheBytes;
    this.writeBufferBytes = writeBufferBytes;
    LRUCache cache = null;
    BloomFilter filter = null;
    WriteBufferManager wbm = null;
    ColumnFamilyOptions cfo = null;
    DBOptions dbo = null;
    WriteOptions sw = null;
    WriteOptions aw = null;
    ReadOptions ro = null;
    RocksDB db = null;
    try {
      Files.createDirectories(dir);
      cache = new LRUCache(blockCacheBytes);
      filter = new BloomFilter(BLOOM_BITS_PER_KEY);
      wbm = new WriteBufferManager(writeBufferBytes, cache);
      BlockBasedTableConfig table = new BlockBasedTableConfig()
          .setBlockCache(cache)
          .setFilterPolicy(filter)
          .setBlockSize(BLOCK_SIZE)
          .setCacheIndexAndFilterBlocks(true)
          .setPinL0FilterAndIndexBlocksInCache(true);
      cfo = new ColumnFamilyOptions()
          .setTableFormatConfig(table)
          .setCompressionType(COMPRESSION)
          .setWriteBufferSize(Math.max(1 << 20, writeBufferBytes / (COLUMN_FAMILIES * MAX_WRITE_BUFFERS_PER_CF)))
          .setMaxWriteBufferNumber(MAX_WRITE_BUFFERS_PER_CF);
      dbo = new DBOptions()
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setMaxBackgroundJobs(MAX_BACKGROUND_JOBS)
          .setWriteBufferManager(wbm)
          .setKeepLogFileNum(5);
      sw = new WriteOptions().setSync(true);
      aw = new WriteOptions().setSync(false);
      ro = new ReadOptions().setVerifyChecksums(true);
      List<ColumnFamilyDescriptor> descriptors = List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo),
          new ColumnFamilyDescriptor(bytes(CF_LOG), cfo),
          new ColumnFamilyDescriptor(bytes(CF_SNAPSHOTS), cfo),
          new ColumnFamilyDescriptor(bytes(CF_META), cfo));
      db = RocksDB.open(dbo, dir.toString(), descriptors, handles);
    } catch (RocksDBException | java.io.IOException | RuntimeException e) {
      for (ColumnFamilyHandle h : handles) {
        h.close();
      }
      closeAll(db, ro, aw, sw, dbo, cfo, wbm, filter, cache);
      throw new StorageException(name, null, "open", String.valueOf(e.getMessage()), e);
    }
    this.cache = cache;
    this.filter = filter;
    this.writeBufferManager = wbm;
    this.cfOptions = cfo;
    this.dbOptions = dbo;
    this.syncWrite = sw;
    this.asyncWrite = aw;
    this.read = ro;
    this.db = db;
    this.log = handles.get(1);
    this.snapshots = handles.get(2);
    this.meta = handles.get(3);
  }

  private static byte[] bytes(String cf) {
    return cf.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  RocksDB db() {
    return db;
  }

  WriteOptions writeOptions(boolean sync) {
    return sync ? syncWrite : asyncWrite;
  }

  ReadOptions readOptions() {
    return read;
  }

  /** Translates a RocksDB failure into the unchecked storage exception naming store, document and operation. */
  StorageException translate(RocksDBException e, @Nullable String documentId, String operation) {
    String status = e.getStatus() == null ? "" : " [" + e.getStatus().getCodeString() + "]";
    return new StorageException(name, documentId, operation, e.getMessage() + status, e);
  }

  /** Point read in a column family. */
  byte @Nullable [] get(ColumnFamilyHandle cf, byte[] key, @Nullable String documentId, String operation) {
    try {
      return db.get(cf, read, key);
    } catch (RocksDBException e) {
      throw translate(e, documentId, operation);
    }
  }

  /** Syncs the WAL (used by the asynchronous durability mode and before close). */
  void syncWal() throws RocksDBException {
    db.syncWal();
  }

  /** Closes every native object in the documented order. Call once, after all users stopped. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = handles.size() - 1; i >= 0; i--) {
      handles.get(i).close();
    }
    try {
      db.closeE();
    } catch (RocksDBException e) {
      failure = translate(e, null, "close");
    }
    closeAll(read, asyncWrite, syncWrite, dbOptions, cfOptions, writeBufferManager, filter, cache);
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeAll(@Nullable AutoCloseable... objects) {
    for (AutoCloseable o : objects) {
      if (o == null) {
        continue;
      }
      try {
        o.close();
      } catch (Exception e) {
        // RocksObject.close() throws nothing; keep closing the rest.
      }
    }
  }
}
