package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * Convergence: 3-6 replicas with distinct client ids make random edits on every shared type ({@link TypeEditsPropertyTest#edit}),
 * go offline, and receive the captured update bytes in random order, duplicated, late or not at all, plus
 * state-vector syncs. After every replica has received every update (in a random order), all replicas must have the
 * same JSON, the same state vector and byte-identical {@code encodeStateAsUpdate} (canonicalised, see
 * {@link #assertConverged}). The expected values are the other replicas (no oracle from the code under test).
 *
 * <p>Examples per property: {@code -Dysync.properties.examples=N} (default {@value #DEFAULT_EXAMPLES}); seed:
 * {@code -Dysync.properties.seed=S}; shrink cycles: {@code -Dysync.properties.shrinks=N}. A failure prints the
 * shrunk schedule as executed, e.g. {@code r1: text.insert(3,"ab"); deliver m2 (from r1) -> r3; ...}, and writes it as
 * JSON for {@code node bench/js/replay-schedule.mjs FILE}, which replays it with the real yjs and compares each
 * replica's state with Java's. {@code -Dysync.properties.dump=true} writes every schedule (differential testing).
 */
class ConvergencePropertyTest {
  static final int DEFAULT_EXAMPLES = 300;
  /** Origin of remote updates; updates of transactions with this origin are not captured. */
  static final Object REMOTE = "remote";
  /** Rounds of the final all-pairs state-vector sync. */
  static final int SYNC_ROUNDS = 2;

  /** The configured theory runner shared by all property tests of this package. */
  static QuickTheory theory(int defaultExamples) {
    int examples = Integer.getInteger("ysync.properties.examples", defaultExamples);
    QuickTheory qt = QuickTheory.qt().withExamples(examples)
        .withShrinkCycles(Integer.getInteger("ysync.properties.shrinks", 300));
    Long seed = Long.getLong("ysync.properties.seed");
    return seed != null ? qt.withFixedSeed(seed) : qt;
  }

  @Test
  void replicasConvergeWithGc() {
    theory(DEFAULT_EXAMPLES).forAll(schedules(true, 40)).checkAssert(Schedule::runAndAssertConvergence);
  }

  @Test
  void replicasConvergeWithoutGc() {
    theory(DEFAULT_EXAMPLES).forAll(schedules(false, 40)).checkAssert(Schedule::runAndAssertConvergence);
  }

  @Test
  void replicasConvergeExchangingV2Updates() {
    theory(DEFAULT_EXAMPLES / 2).forAll(schedules(true, true, 40)).checkAssert(Schedule::runAndAssertConvergence);
  }

  /** One step of a schedule; parameters are raw draws interpreted modulo the current state when executed. */
  record Op(int kind, int replica, int target, int action, int p1, int p2, int value) {
    /** A step that does nothing (the shrink target, so that shrinking removes steps from the middle). */
    static final int NOP = 0;
    /** Kinds {@code 1..EDIT_KINDS-1} are edits; the rest are network events. */
    static final int EDIT_KINDS = 70;

    @Override
    public String toString() {
      if (kind == NOP) {
        return "nop";
      }
      return kind < EDIT_KINDS
          ? "r" + (replica + 1) + ": edit(target#" + target + ", action#" + action + ", " + p1 + ", " + p2 + ", value#"
              + value + ")"
          : "net#" + kind + "(r" + (replica + 1) + ", " + p1 + ", " + p2 + ")";
    }
  }

  /** Random schedules of {@code 1..maxOps} steps on 3-6 replicas. Shrinks towards fewer, simpler edit steps. */
  static Gen<Schedule> schedules(boolean gc, int maxOps) {
    return schedules(gc, false, maxOps);
  }

  /** Like {@link #schedules(boolean, int)}; {@code v2}: replicas exchange V2 instead of V1 updates. */
  static Gen<Schedule> schedules(boolean gc, boolean v2, int maxOps) {
    return in -> {
      int replicas = (int) in.next(Constraint.between(3, 6));
      int n = (int) in.next(Constraint.between(1, maxOps));
      List<Op> ops = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ops.add(new Op((int) in.next(Constraint.between(0, 99)), (int) in.next(Constraint.between(0, replicas - 1)),
            // wide ranges used modulo: QuickTheories skews draws towards the bounds, small ranges would skew the mix
            (int) in.next(Constraint.between(0, 119)), (int) in.next(Constraint.between(0, 599)),
            (int) in.next(Constraint.between(0, 40)), (int) in.next(Constraint.between(0, 40)),
            (int) in.next(Constraint.between(0, 599))));
      }
      return new Schedule(replicas, gc, v2, ops, in.next(Constraint.between(0, 1 << 20)));
    };
  }

  /** A captured update: message {@code id}, produced by a local transaction of replica {@code from}. */
  record Msg(int id, int from, byte[] bytes) {}

  /** One replica: a doc with client id {@code index + 1}, its online flag and the messages it has received. */
  static final class Replica {
    final int index;
    final Doc doc;
    boolean online = true;
    final Set<Integer> received = new HashSet<>();

    final boolean v2;

    Replica(int index, boolean gc, boolean v2, List<Msg> net) {
      this.index = index;
      this.v2 = v2;
      this.doc = new Doc(DocOptions.defaults().withClientId(index + 1).withGc(gc));
      TypeEditsPropertyTest.createRoots(doc);
      UpdateListener capture = (update, origin, txn) -> {
        if (origin != REMOTE) {
          Msg m = new Msg(net.size(), index, update);
          net.add(m);
          received.add(m.id());
        }
      };
      if (v2) {
        doc.onUpdateV2(capture);
      } else {
        doc.onUpdate(capture);
      }
    }

    void receive(Msg m) {
      received.add(m.id());
      apply(doc, m.bytes(), v2, "m" + m.id() + " -> r" + (index + 1));
    }

    @Override
    public String toString() {
      return "r" + (index + 1);
    }
  }

  /** Applies a valid V1 update; a {@link DecodeException} is a test failure. */
  static void apply(Doc doc, byte[] update, String what) {
    apply(doc, update, false, what);
  }

  /** Applies a valid V1 or V2 update; a {@link DecodeException} is a test failure. */
  static void apply(Doc doc, byte[] update, boolean v2, String what) {
    try {
      if (v2) {
        Updates.applyUpdateV2(doc, update, REMOTE);
        return;
      }
      Updates.applyUpdate(doc, update, REMOTE);
    } catch (DecodeException e) {
      throw new AssertionError("valid update rejected (" + what + "): " + e.getMessage(), e);
    }
  }

  /**
   * A generated schedule. {@link #toString()} shows the steps as executed by the last run (concrete positions and
   * values), or the raw draws if it never ran.
   */
  static final class Schedule {
    final int replicaCount;
    final boolean gc;
    final boolean v2;
    final List<Op> ops;
    final long seed;
    List<String> executed;
    List<Map<String, Object>> steps;
    List<Replica> replicas;
    List<Msg> net;

    Schedule(int replicaCount, boolean gc, boolean v2, List<Op> ops, long seed) {
      this.v2 = v2;
      this.replicaCount = replicaCount;
      this.gc = gc;
      this.ops = ops;
      this.seed = seed;
    }

    /** Runs all steps; afterwards {@link #replicas} and {@link #net} hold the result. */
    void run() {
      executed = new ArrayList<>();
      steps = new ArrayList<>();
      net = new ArrayList<>();
      replicas = new ArrayList<>();
      for (int i = 0; i < replicaCount; i++) {
        replicas.add(new Replica(i, gc, v2, net));
      }
      for (Op op : ops) {
        try {
          step(op);
        } catch (RuntimeException | StackOverflowError e) {
          throw new AssertionError("step " + executed.size() + " threw " + e + this + replayHint(), e);
        }
      }
    }

    /** Records a step: its readable form and its machine-readable form for bench/js/replay-schedule.mjs. */
    private void log(String text, Map<String, Object> data) {
      executed.add(text);
      steps.add(data);
    }

    private void step(Op op) {
      Replica r = replicas.get(op.replica());
      if (op.kind() == Op.NOP) {
        return;
      }
      if (op.kind() < Op.EDIT_KINDS) {
        TypeEditsPropertyTest.edit(r.doc, op, new TypeEditsPropertyTest.Log() {
          @Override
          public void edit(String path, String kind, String method, Object... args) {
            List<String> shown = Arrays.stream(args).map(TypeEditsPropertyTest::desc).toList();
            log(r + ": " + path + kind + "." + method + "(" + String.join(", ", shown) + ")",
                Map.of("r", r.index, "path", path, "op", method, "args", Arrays.asList(args)));
          }

          @Override
          public void note(String text) {
            executed.add(r + ": " + text);
          }
        });
        return;
      }
      Replica other = replicas.get((op.replica() + 1 + op.p1() % (replicaCount - 1)) % replicaCount);
      switch (op.kind() % 5) {
        case 0, 1 -> { // deliver one message (possibly a duplicate, possibly with missing dependencies)
          if (net.isEmpty()) {
            executed.add("deliver: no messages yet");
            return;
          }
          Msg m = net.get(op.p2() % net.size());
          String d = "deliver m" + m.id() + " (from r" + (m.from() + 1) + ") -> " + r;
          if (!r.online) {
            executed.add(d + " (dropped, " + r + " offline)");
          } else {
            log(d + (r.received.contains(m.id()) ? " (duplicate)" : ""), Map.of("deliver", List.of(m.id()), "to", r.index));
            r.receive(m);
          }
        }
        case 2 -> { // all messages not received yet, shuffled
          List<Msg> missing = new ArrayList<>(net.stream().filter(m -> !r.received.contains(m.id())).toList());
          java.util.Collections.shuffle(missing, new Random(op.p2()));
          List<Integer> ids = missing.stream().map(Msg::id).toList();
          if (!r.online) {
            executed.add("flush " + names(ids) + " -> " + r + " (dropped, " + r + " offline)");
          } else {
            log("flush " + names(ids) + " -> " + r, Map.of("deliver", ids, "to", r.index));
            missing.forEach(r::receive);
          }
        }
        case 3 -> {
          r.online = !r.online;
          executed.add(r + (r.online ? " goes online" : " goes offline"));
        }
        default -> { // state-vector sync other -> r
          String d = "sync " + other + " -> " + r;
          if (!r.online || !other.online) {
            executed.add(d + " (dropped, offline)");
          } else {
            log(d, Map.of("sync", other.index, "to", r.index));
            apply(r.doc, diff(other.doc, r.doc, v2), v2, d);
          }
        }
      }
    }

    private static String names(List<Integer> ids) {
      return ids.stream().map(i -> "m" + i).toList().toString();
    }

    /** Delivers every message to every replica (each in its own random order, some twice). */
    void deliverAll() {
      Random random = new Random(seed);
      for (Replica r : replicas) {
        r.online = true;
        List<Msg> all = new ArrayList<>(net);
        java.util.Collections.shuffle(all, random);
        if (!all.isEmpty()) {
          all.add(all.get(random.nextInt(all.size())));
        }
        List<Integer> ids = all.stream().map(Msg::id).toList();
        log("final: deliver " + names(ids) + " -> " + r, Map.of("deliver", ids, "to", r.index));
        all.forEach(r::receive);
      }
    }

    /**
     * State-vector sync of every ordered pair, {@link #SYNC_ROUNDS} times. Needed on top of {@link #deliverAll}: Yjs
     * cleans up redundant YText formatting after a remote transaction by deleting format items on the receiving
     * replica; those deletions are in no captured (local) update, and yjs 13.6.33 itself diverges without this.
     */
    void fullSync() {
      log("final: full sync, all pairs, " + SYNC_ROUNDS + " rounds", Map.of("fullsync", SYNC_ROUNDS));
      for (int round = 0; round < SYNC_ROUNDS; round++) {
        for (Replica from : replicas) {
          for (Replica to : replicas) {
            if (from != to) {
              apply(to.doc, diff(from.doc, to.doc, v2), v2, "full sync " + from + " -> " + to);
            }
          }
        }
      }
    }

    void runAndAssertConvergence() {
      run();
      deliverAll();
      fullSync();
      if (Boolean.getBoolean("ysync.properties.dump")) {
        replayHint(); // differential runs against yjs: every schedule is written for bench/js/replay-schedule.mjs
      }
      assertConverged(replicas.stream().map(r -> r.doc).toList(), () -> this + replayHint());
    }

    /**
     * Writes this schedule as JSON (steps plus every replica's final V1 state, base64) to a file and returns a line
     * telling how to replay it with the real yjs.
     */
    String replayHint() {
      if (steps == null) {
        return "";
      }
      Map<String, Object> json = new java.util.LinkedHashMap<>();
      json.put("replicas", replicaCount);
      json.put("gc", gc);
      json.put("v2", v2);
      json.put("steps", steps);
      json.put("javaStates", replicas.stream()
          .map(r -> java.util.Base64.getEncoder().encodeToString(Updates.encodeStateAsUpdate(r.doc))).toList());
      String text = TypeEditsPropertyTest.toJson(json);
      try {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "ysync-schedules");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path f = dir.resolve(String.format("schedule-%08x.json", text.hashCode()));
        java.nio.file.Files.writeString(f, text);
        return "replay with yjs 13.6.33: node bench/js/replay-schedule.mjs " + f + "\n";
      } catch (java.io.IOException e) {
        return "(schedule not written: " + e + ")\n";
      }
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("\n" + replicaCount + " replicas (client ids 1.." + replicaCount + "), gc "
          + (gc ? "on" : "off") + (v2 ? ", V2 updates" : "") + ":\n");
      List<?> shown = executed != null ? executed : ops;
      for (int i = 0; i < shown.size(); i++) {
        sb.append(String.format("  %3d. %s%n", i + 1, shown.get(i)));
      }
      return sb.toString();
    }
  }

  /** The update {@code from} has and {@code to} misses ({@code encodeStateAsUpdate} with {@code to}'s vector). */
  static byte[] diff(Doc from, Doc to, boolean v2) {
    try {
      byte[] sv = Updates.encodeStateVector(to);
      return v2 ? Updates.encodeStateAsUpdateV2(from, sv) : Updates.encodeStateAsUpdate(from, sv);
    } catch (DecodeException e) {
      throw new AssertionError("own state vector rejected", e);
    }
  }

  /**
   * Asserts equal JSON, equal state vectors and byte-identical {@code encodeStateAsUpdate} across {@code docs}, the
   * latter on the canonical form {@link #canonicalState}: the raw bytes of converged yjs 13.6.33 replicas can differ
   * in how adjacent GC ranges are split (e.g. {@code GC 2:0 len 2} vs {@code GC 2:0 len 1, GC 2:1 len 1}, depending on
   * the order in which the deletions arrived); bench/js/replay-schedule.mjs shows that yjs does exactly the same.
   */
  static void assertConverged(List<Doc> docs, java.util.function.Supplier<String> context) {
    Doc first = docs.get(0);
    Object json0 = normalize(first.toJSON());
    byte[] sv0 = Updates.encodeStateVector(first);
    byte[] state0 = canonicalState(first);
    for (int i = 1; i < docs.size(); i++) {
      Doc d = docs.get(i);
      int n = i + 1;
      assertEquals(json0, normalize(d.toJSON()), () -> "toJSON differs: r1 vs r" + n + context.get());
      assertArrayEquals(sv0, Updates.encodeStateVector(d), () -> "encodeStateVector differs: r1 vs r" + n + context.get());
      assertArrayEquals(state0, canonicalState(d),
          () -> "encodeStateAsUpdate (canonical) differs: r1 vs r" + n + context.get());
    }
  }

  /**
   * {@code encodeStateAsUpdate} of a fresh doc (same gc flag) that loaded {@code d}'s state: integrating everything in
   * one transaction merges all mergeable neighbours, so split-but-mergeable structs no longer differ.
   */
  static byte[] canonicalState(Doc d) {
    Doc fresh = new Doc(DocOptions.defaults().withClientId(0xFFFFFFFFL).withGc(d.gc()));
    apply(fresh, Updates.encodeStateAsUpdate(d), "reload of client " + d.clientID());
    return Updates.encodeStateAsUpdate(fresh);
  }

  /**
   * A comparable form of a JSON value: maps sorted by key (YMap key order is the order in which a replica first
   * saw a key, legitimately different), {@code byte[]} as a list of numbers.
   */
  static Object normalize(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> sorted = new TreeMap<>();
      m.forEach((k, x) -> sorted.put(String.valueOf(k), normalize(x)));
      return sorted;
    } else if (v instanceof List<?> l) {
      return l.stream().map(ConvergencePropertyTest::normalize).toList();
    } else if (v instanceof byte[] b) {
      return "bytes" + Arrays.toString(b);
    }
    return v == null ? "null" : v;
  }
}
