package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.crdt.ConvergencePropertyTest.Schedule;
import io.ysync.crdt.UpdateIdempotencePropertyTest.Snapshot;
import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * Malformed input never escapes as anything but {@link DecodeException}: random bytes and mutated valid updates (bit
 * flips, truncations, inserted, deleted and overwritten bytes) are fed to {@code Updates.applyUpdate} and
 * {@code applyUpdateV2} on a fresh doc and on a doc with content. Each call either succeeds or throws
 * {@code DecodeException}; a doc that rejected an update is unchanged (state bytes, state vector, pending flag and
 * JSON equal before and after).
 */
class DecoderFuzzPropertyTest {
  /** A single byte-level mutation of an update. */
  record Mutation(int kind, int position, int value) {
    byte[] apply(byte[] in) {
      if (in.length == 0) {
        return new byte[] {(byte) value};
      }
      int at = position % in.length;
      return switch (kind) {
        case 0 -> { // flip a bit
          byte[] out = in.clone();
          out[at] ^= (byte) (1 << (value % 8));
          yield out;
        }
        case 1 -> Arrays.copyOf(in, at); // truncate
        case 2 -> { // insert a byte
          byte[] out = new byte[in.length + 1];
          System.arraycopy(in, 0, out, 0, at);
          out[at] = (byte) value;
          System.arraycopy(in, at, out, at + 1, in.length - at);
          yield out;
        }
        case 3 -> { // delete a byte
          byte[] out = new byte[in.length - 1];
          System.arraycopy(in, 0, out, 0, at);
          System.arraycopy(in, at + 1, out, at, in.length - at - 1);
          yield out;
        }
        default -> { // overwrite a byte with an interesting value
          byte[] out = in.clone();
          out[at] = (byte) new int[] {0x00, 0x7f, 0x80, 0xff, value}[value % 5];
          yield out;
        }
      };
    }

    @Override
    public String toString() {
      String[] names = {"flip bit " + value % 8 + " of byte", "truncate at", "insert byte " + value + " at",
          "delete byte at", "overwrite byte at"};
      return names[kind] + " #" + position + (kind == 4 ? " with " + new int[] {0, 0x7f, 0x80, 0xff, value}[value % 5]
          : "");
    }
  }

  /** A valid update taken from a random doc (V1 or V2, whole state or one captured update) plus mutations. */
  record Case(Schedule schedule, boolean v2, int source, List<Mutation> mutations) {
    @Override
    public String toString() {
      return (v2 ? "V2" : "V1") + " update #" + source + " mutated by " + mutations + "; from docs of" + schedule;
    }
  }

  private static final Gen<Mutation> MUTATIONS = in -> new Mutation((int) in.next(Constraint.between(0, 4)),
      (int) in.next(Constraint.between(0, 4000)), (int) in.next(Constraint.between(0, 255)));

  @Test
  void randomBytesAreRejectedCleanly() {
    Gen<byte[]> bytes = in -> {
      byte[] b = new byte[(int) in.next(Constraint.between(0, 48))];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) in.next(Constraint.between(0, 255));
      }
      return b;
    };
    Doc base = sampleDoc();
    ConvergencePropertyTest.theory(4000).forAll(bytes).describedAs(b -> HexFormat.of().formatHex(b)).checkAssert(b -> {
      for (boolean v2 : new boolean[] {false, true}) {
        feed(freshDoc(), b, v2, HexFormat.of().formatHex(b));
        feed(copy(base), b, v2, HexFormat.of().formatHex(b));
      }
    });
  }

  @Test
  void mutatedUpdatesAreRejectedCleanly() {
    Gen<Case> cases = in -> {
      Schedule s = ConvergencePropertyTest.schedules(in.next(Constraint.between(0, 1)) == 0, 12).generate(in);
      boolean v2 = in.next(Constraint.between(0, 1)) == 1;
      int source = (int) in.next(Constraint.between(0, 20));
      List<Mutation> ms = new ArrayList<>();
      int n = (int) in.next(Constraint.between(1, 3));
      for (int i = 0; i < n; i++) {
        ms.add(MUTATIONS.generate(in));
      }
      return new Case(s, v2, source, ms);
    };
    ConvergencePropertyTest.theory(600).forAll(cases).checkAssert(c -> {
      List<Doc> docs = TypeEditsPropertyTest.docsOf(c.schedule());
      Doc from = docs.get(0);
      byte[] valid;
      if (c.source() == 0 || c.schedule().net.isEmpty()) {
        valid = c.v2() ? Updates.encodeStateAsUpdateV2(from) : Updates.encodeStateAsUpdate(from);
      } else {
        byte[] v1 = c.schedule().net.get(c.source() % c.schedule().net.size()).bytes();
        valid = c.v2() ? toV2(v1) : v1;
      }
      byte[] mutated = valid;
      for (Mutation m : c.mutations()) {
        mutated = m.apply(mutated);
      }
      String ctx = HexFormat.of().formatHex(mutated) + " = " + c;
      feed(freshDoc(), mutated, c.v2(), ctx);
      feed(docs.get(docs.size() - 1), mutated, c.v2(), ctx);
    });
  }

  /** Applies {@code update}; asserts only DecodeException escapes and that a rejecting doc is unchanged. */
  private static void feed(Doc doc, byte[] update, boolean v2, String context) {
    Snapshot before = Snapshot.of(doc);
    try {
      if (v2) {
        Updates.applyUpdateV2(doc, update);
      } else {
        Updates.applyUpdate(doc, update);
      }
    } catch (DecodeException e) {
      assertEquals(before, Snapshot.of(doc), "doc changed although the update was rejected (" + e.getMessage()
          + "): " + (v2 ? "V2 " : "V1 ") + context);
      return;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      throw new AssertionError((v2 ? "applyUpdateV2" : "applyUpdate") + " threw " + e + " instead of DecodeException "
          + "for " + context, e);
    }
    // accepted: the document must still be encodable
    Snapshot.of(doc);
  }

  private static byte[] toV2(byte[] v1) {
    Doc d = freshDoc();
    try {
      Updates.applyUpdate(d, v1);
    } catch (DecodeException e) {
      throw new AssertionError(e);
    }
    return Updates.encodeStateAsUpdateV2(d);
  }

  private static Doc freshDoc() {
    Doc d = new Doc(DocOptions.defaults().withClientId(77));
    TypeEditsPropertyTest.createRoots(d);
    return d;
  }

  private static Doc copy(Doc d) {
    Doc c = freshDoc();
    try {
      Updates.applyUpdate(c, Updates.encodeStateAsUpdate(d));
    } catch (DecodeException e) {
      throw new AssertionError(e);
    }
    return c;
  }

  /** A small doc with content in every root type (fixed, so that random-bytes failures are reproducible). */
  private static Doc sampleDoc() {
    Doc d = new Doc(DocOptions.defaults().withClientId(5));
    TypeEditsPropertyTest.createRoots(d);
    d.getText("text").insert(0, "hello");
    d.getText("text").delete(1, 2);
    d.getArray("array").insert(0, List.of(1, "two", new YMap()));
    d.getMap("map").set("k", new YText());
    d.getXmlFragment("xml").insert(0, List.of(new YXmlElement("p")));
    return d;
  }
}
