package io.ysync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during compaction, with a real process: {@link CompactionCrashChild} edits three documents with real
 * Yjs updates while compaction runs all the time (thresholds of 40 entries), and this test kills it at random moments
 * (half of the kills right after a compaction announced its atomic write), {@value #MIN_KILLS} times or as many as
 * 50 s allow. After each kill it opens the store itself and checks: the store check is clean; every document is one
 * snapshot at most plus a contiguous log after it (no half-compacted state); every acknowledged update is stored; and
 * the loaded document equals the replay, in order, of the updates the child announced for sequence numbers 1 to the
 * stored last one. Each reopen after a kill also rebuilds the directory (unclean shutdown).
 *
 * <p>An integration test (failsafe, {@code -Pintegration}): it starts and kills child JVMs.
 */
@Timeout(120)
class CompactionCrashIT {
  /** The child's own flags; the module flags are copied from this JVM ({@link ChildJvmFlags}). */
  private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-Xshare:auto");
  /** Kills the test aims at; it stops earlier only when the time budget runs out. */
  private static final int MIN_KILLS = 20;
  /**
   * Kills required even on a loaded machine: a child needs 1.5 s (idle 2 cores) to 8 s (load 20) to start, most of
   * it Chronicle Map compiling its generated classes with javac.
   */
  private static final int KILLS_ON_A_LOADED_MACHINE = 4;
  private static final long KILL_PHASE_NANOS = TimeUnit.SECONDS.toNanos(50);

  @TempDir Path tmp;
  private final long seed = Long.getLong("ysync.crash.seed", System.nanoTime());
  private final Random random = new Random(seed);

  /** What the parent knows of one document: every announced update by sequence number, and the acknowledged one. */
  private static final class Shadow {
    final Map<Long, byte[]> updates = new HashMap<>();
    long acknowledged;
  }

  private final Map<String, Shadow> shadows = new HashMap<>();

  /** One child process and what its stdout told so far (guarded by the object's monitor). */
  private final class Child {
    final Process process;
    final CountDownLatch ready = new CountDownLatch(1);
    final Thread reader;
    int compactionWrites;
    int openCompactionWrites;
    long acknowledgedThisSession;
    final List<String> errors = new ArrayList<>();
    CountDownLatch compactionSeen = new CountDownLatch(Integer.MAX_VALUE);

    Child(int session, String... extraArgs) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElseThrow());
      cmd.addAll(JVM_FLAGS);
      cmd.addAll(ChildJvmFlags.moduleFlags());
      // Start-up time bounds the kills per minute: reuse one extracted RocksDB library and a class-data archive.
      cmd.add("-Djava.library.path=" + nativeLibraryDir());
      if (Boolean.getBoolean("ysync.crash.cds")) {
        cmd.add("-XX:SharedArchiveFile=" + tmp.resolve("child.jsa"));
        cmd.add("-XX:+AutoCreateSharedArchive");
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CompactionCrashChild.class.getName(),
          tmp.resolve("data").toString(), String.valueOf(seed + session)));
      cmd.addAll(List.of(extraArgs));
      process = new ProcessBuilder(cmd).redirectError(tmp.resolve("child-" + session + ".err").toFile()).start();
      reader = new Thread(this::read, "crash-child-reader");
      reader.start();
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
          if (c != '\n') {
            line.append((char) c);
            continue;
          }
          handle(line.toString());
          line.setLength(0);
        }
        // A line without its newline was cut by the kill: what it announces never happened.
      } catch (IOException | IllegalArgumentException e) {
        synchronized (CompactionCrashIT.this) {
          errors.add("reader: " + e);
        }
      }
    }

    private void handle(String line) {
      String[] f = line.split(" ");
      synchronized (CompactionCrashIT.this) {
        switch (f[0]) {
          case "U" -> shadow(f[1]).updates.put(Long.parseLong(f[2]), Base64.getDecoder().decode(f[3]));
          case "A" -> {
            Shadow s = shadow(f[1]);
            s.acknowledged = Math.max(s.acknowledged, Long.parseLong(f[2]));
            acknowledgedThisSession++;
          }
          case "CW" -> {
            compactionWrites++;
            openCompactionWrites++;
            compactionSeen.countDown();
          }
          case "CD" -> openCompactionWrites--;
          case "READY" -> ready.countDown();
          case "START" -> { }
          default -> errors.add(line);
        }
      }
    }
  }

  /**
   * A folder holding RocksDB's JNI library under the name its loader tries first, so that children do not extract
   * their own 17 MB copy at every start.
   */
  private Path nativeLibraryDir() throws IOException {
    Path dir = tmp.resolve("lib");
    String name = org.rocksdb.util.Environment.getJniLibraryFileName("rocksdb");
    if (!Files.exists(dir.resolve(name))) {
      Files.createDirectories(dir);
      try (var in = org.rocksdb.RocksDB.class.getClassLoader().getResourceAsStream(name)) {
        if (in != null) {
          Files.copy(in, dir.resolve(name));
        }
      }
    }
    return dir;
  }

  private Shadow shadow(String documentId) {
    return shadows.computeIfAbsent(documentId, id -> new Shadow());
  }

  @Test
  void kill9DuringCompaction_losesNoAcknowledgedUpdate_andLeavesNoHalfCompactedState() throws Exception {
    int kills = 0;
    int killsInsideCompactionWrite = 0;
    int targeted = 0;
    long acknowledged = 0;
    long compactionWrites = 0;
    List<String> timings = new ArrayList<>(); // per session: ms until the child was ready / ms to verify
    long start = System.nanoTime();
    Child warmUp = new Child(-1, "--warm-up");
    assertTrue(warmUp.process.waitFor(30, TimeUnit.SECONDS), "warm-up run");
    warmUp.reader.join(10_000);
    assertEquals(0, warmUp.process.exitValue(), Files.readString(tmp.resolve("child--1.err")));
    synchronized (this) {
      assertEquals(List.of(), warmUp.errors);
    }
    verifyStore();
    timings.add("warm-up " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    while (kills < MIN_KILLS && System.nanoTime() - start < KILL_PHASE_NANOS) {
      long sessionStart = System.nanoTime();
      long readyAt = sessionStart;
      Child child = new Child(kills);
      try {
        if (!child.ready.await(30, TimeUnit.SECONDS)) {
          fail("child did not start: " + Files.readString(tmp.resolve("child-" + kills + ".err")));
        }
        readyAt = System.nanoTime();
        if (random.nextBoolean()) {
          // Targeted: right after the k-th compaction announced its write (the write is one synced batch).
          int k = 1 + random.nextInt(4);
          synchronized (this) {
            child.compactionSeen = new CountDownLatch(k);
          }
          if (child.compactionSeen.await(5, TimeUnit.SECONDS)) {
            targeted++;
          }
          Thread.sleep(random.nextInt(3));
        } else {
          Thread.sleep(50 + random.nextInt(600));
        }
        // SIGKILL through the handle: Process.destroyForcibly would also close our end of its stdout and lose the
        // lines still in the pipe.
        child.process.toHandle().destroyForcibly();
        assertTrue(child.process.waitFor(10, TimeUnit.SECONDS));
        kills++;
      } finally {
        child.process.toHandle().destroyForcibly();
      }
      child.reader.join(10_000);
      synchronized (this) {
        assertEquals(List.of(), child.errors, "child reported errors");
        if (child.openCompactionWrites > 0) {
          killsInsideCompactionWrite++;
        }
        compactionWrites += child.compactionWrites;
        acknowledged += child.acknowledgedThisSession;
      }
      long verifyStart = System.nanoTime();
      verifyStore();
      timings.add(TimeUnit.NANOSECONDS.toMillis(readyAt - sessionStart) + "/"
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - verifyStart));
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf("compaction crash test (seed %d): %d kills in %d ms, %d right after a compaction announced its "
            + "write, %d while a compaction write was open; %d compaction writes, %d acknowledged appends; "
            + "start/verify ms %s%n",
        seed, kills, millis, targeted, killsInsideCompactionWrite, compactionWrites, acknowledged, timings);
    assertTrue(kills >= KILLS_ON_A_LOADED_MACHINE, "only " + kills + " kills in " + millis + " ms (seed " + seed + ")");
    assertTrue(compactionWrites > kills, "compaction did not run constantly: " + compactionWrites + " writes");
    assertTrue(acknowledged > 0);
  }

  /** Opens the store in this process and checks every document against the shadow log. */
  private synchronized void verifyStore() throws DecodeException {
    try (DocumentStorage storage = CompactionCrashChild.builder(tmp.resolve("data")).build()) {
      CheckReport report = storage.check();
      assertTrue(report.isClean(), "store check (seed " + seed + "): " + report.problems());
      for (String id : CompactionCrashChild.DOCUMENTS) {
        Shadow shadow = shadow(id);
        StoredDocument stored = storage.load(id);
        long last = stored.lastSeq();
        assertTrue(last >= shadow.acknowledged,
            id + ": acknowledged seq " + shadow.acknowledged + " but only " + last + " stored (seed " + seed + ")");
        assertFormIsWhole(storage.entries(id), stored, id);
        Doc replay = new Doc();
        for (long seq = 1; seq <= last; seq++) {
          byte[] u = shadow.updates.get(seq);
          assertTrue(u != null, id + ": stored seq " + seq + " was never announced (seed " + seed + ")");
          Updates.applyUpdate(replay, u);
        }
        Doc loaded = new Doc();
        for (byte[] u : stored.updates()) {
          Updates.applyUpdate(loaded, u);
        }
        assertEquals(replay.getText("t").toString(), loaded.getText("t").toString(), id + " text (seed " + seed + ")");
        assertEquals(replay.getMap("m").toJSON(), loaded.getMap("m").toJSON(), id + " map (seed " + seed + ")");
        assertEquals(Updates.stateVector(replay), Updates.stateVector(loaded), id + " state vector");
        // Sequence numbers after the stored last one were never durable: the next session reuses them.
        shadow.updates.keySet().removeIf(seq -> seq > last);
        shadow.acknowledged = last;
      }
    }
  }

  /** Garbage-collected form: one snapshot at most, and the log is exactly the entries after it, without gaps. */
  private void assertFormIsWhole(List<StoredEntry> entries, StoredDocument stored, String id) {
    List<Long> snapshots = new ArrayList<>();
    List<Long> log = new ArrayList<>();
    for (StoredEntry e : entries) {
      (e.kind() == StoredEntry.Kind.SNAPSHOT ? snapshots : log).add(e.seq());
    }
    assertTrue(snapshots.size() <= 1, id + ": snapshots " + snapshots + " (seed " + seed + ")");
    long base = snapshots.isEmpty() ? 0 : snapshots.get(0);
    assertEquals(stored.snapshotSeq(), base);
    List<Long> expected = new ArrayList<>();
    for (long seq = base + 1; seq <= stored.lastSeq(); seq++) {
      expected.add(seq);
    }
    assertEquals(expected, log, id + ": log after snapshot " + base + " (seed " + seed + ")");
  }
}
