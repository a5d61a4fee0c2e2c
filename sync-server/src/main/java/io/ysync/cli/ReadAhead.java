package io.ysync.cli;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a list of update files on background threads ahead of the thread that applies them, and hands their
 * contents out in order.
 *
 * <p>Design note: opening, reading and closing one small file costs several microseconds of system calls, about
 * three times what applying a one-edit update costs; for a job of 259,778 files the reads dominate. The files are
 * read in blocks of {@value #BLOCK_FILES} consecutive files by a small shared pool of daemon threads, at most
 * {@value #BLOCKS_AHEAD} blocks ahead of the consumer. A block stops early after {@value #BLOCK_BYTES} bytes (the
 * consumer reads the rest of its range itself), so at most about {@code BLOCKS_AHEAD} MiB plus one file per block are
 * held ahead. A read failure (a {@link CliException} naming the file) is thrown by {@link #next()} when the consumer
 * reaches that file, as a sequential read would; files after it are not handed out. Not thread-safe: one consumer.
 */
final class ReadAhead implements AutoCloseable {
  /** Files per block. */
  static final int BLOCK_FILES = 64;
  /** Blocks read ahead of the consumer. */
  static final int BLOCKS_AHEAD = 8;
  /** A block stops reading once it holds this many bytes. */
  static final long BLOCK_BYTES = 1 << 20;
  /** Jobs with fewer files are read on the calling thread. */
  static final int MIN_FILES = 2 * BLOCK_FILES;

  private static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /** The shared readers: daemon threads, created on first use. */
  private static final class Pool {
    static final ExecutorService READERS;

    static {
      AtomicInteger n = new AtomicInteger();
      READERS = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "ysync-read-ahead-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }

  /** Files {@code start .. start + contents.length - 1} read, then {@code failure} (or a stop) at the next one. */
  private record Block(int start, byte[][] contents, int count, RuntimeException failure) {}

  private final List<Path> files;
  private final boolean sequential;
  private final ArrayDeque<Future<Block>> ahead = new ArrayDeque<>();
  private int nextBlockStart;
  private Block current;
  private int index;

  /** Starts reading {@code files} ahead (when there are at least {@value #MIN_FILES}). */
  ReadAhead(List<Path> files) {
    this.files = files;
    this.sequential = files.size() < MIN_FILES;
    if (!sequential) {
      fill();
    }
  }

  /** Whether {@link #next()} has another file. */
  boolean hasNext() {
    return index < files.size();
  }

  /** The path of the file the previous {@link #next()} returned. */
  Path lastPath() {
    return files.get(index - 1);
  }

  /**
   * The contents of the next file.
   *
   * @throws CliException ({@link ExitCodes#BAD_INPUT}) naming the file when it cannot be read
   */
  byte[] next() {
    if (!hasNext()) {
      throw new IllegalStateException("no more files");
    }
    if (sequential) {
      return UpdateFiles.read(files.get(index++));
    }
    while (current == null || index >= current.start() + BLOCK_FILES) {
      current = take();
      fill();
    }
    int offset = index - current.start();
    if (offset < current.count()) {
      byte[] b = current.contents()[offset];
      current.contents()[offset] = null;
      index++;
      return b;
    }
    if (current.failure() != null) {
      throw current.failure();
    }
    return UpdateFiles.read(files.get(index++)); // the block stopped at its byte bound
  }

  /** Stops reading ahead (blocks already running finish and are dropped). */
  @Override
  public void close() {
    for (Future<Block> f : ahead) {
      f.cancel(false);
    }
    ahead.clear();
  }

  private void fill() {
    while (ahead.size() < BLOCKS_AHEAD && nextBlockStart < files.size()) {
      int start = nextBlockStart;
      int end = Math.min(files.size(), start + BLOCK_FILES);
      ahead.add(Pool.READERS.submit(() -> readBlock(start, end)));
      nextBlockStart = end;
    }
  }

  private Block take() {
    Future<Block> f = ahead.poll();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Block readBlock(int start, int end) {
    byte[][] contents = new byte[end - start][];
    long bytes = 0;
    for (int i = start; i < end; i++) {
      if (bytes >= BLOCK_BYTES) {
        return new Block(start, contents, i - start, null);
      }
      try {
        contents[i - start] = UpdateFiles.read(files.get(i));
      } catch (CliException e) {
        return new Block(start, contents, i - start, e);
      }
      bytes += contents[i - start].length;
    }
    return new Block(start, contents, end - start, null);
  }
}
