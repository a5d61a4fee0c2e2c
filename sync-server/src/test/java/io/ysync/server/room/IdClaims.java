package io.ysync.server.room;

import io.ysync.crdt.Id;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateDecoderV1;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The fuzz test's oracle for forged struct ids: what a V1 update says each struct id (client, clock) holds, read with
 * the public codec (following {@code readClientsStructRefs} and {@code readItemContent} of yjs 13.6.33, as the CLI's
 * {@code UpdateInspector} does), so that two updates that give one id different content can be told apart from two
 * encodings of the same struct. Strict: any difference at an id counts (a garbage-collected copy of a struct too), so
 * it errs towards "conflict".
 */
final class IdClaims {
  /**
   * What one struct says about each clock it covers: kind 0 GC, 1 item; for items the origin (of its first clock;
   * every later clock's origin is the clock before), right origin, parent and key (written only without origins), the
   * content kind, and the content per clock (a String's UTF-16 units, or the encoded bytes of each element).
   */
  private record Run(long clock, long length, int kind, Id origin, Id rightOrigin, Object parent, String parentSub,
      int contentRef, Object units) {}

  private final byte[] update;
  private final Map<Long, TreeMap<Long, Run>> runs = new HashMap<>();

  private IdClaims(byte[] update) {
    this.update = update;
  }

  /** Reads the claims of a V1 update that {@code Updates.applyUpdate} accepts. */
  static IdClaims read(byte[] update) throws DecodeException {
    IdClaims claims = new IdClaims(update);
    claims.readStructs(new UpdateDecoderV1(new Lib0Decoder(update)));
    return claims;
  }

  /** Whether some id is claimed by both with any difference. */
  boolean conflictsWith(IdClaims other) {
    for (Map.Entry<Long, TreeMap<Long, Run>> e : runs.entrySet()) {
      TreeMap<Long, Run> theirs = other.runs.get(e.getKey());
      if (theirs == null) {
        continue;
      }
      for (Run mine : e.getValue().values()) {
        Long from = theirs.floorKey(mine.clock());
        for (Run their : theirs.tailMap(from == null ? Long.MIN_VALUE : from, true).values()) {
          if (their.clock() >= mine.clock() + mine.length()) {
            break;
          }
          long lo = Math.max(mine.clock(), their.clock());
          long hi = Math.min(mine.clock() + mine.length(), their.clock() + their.length());
          if (lo < hi && !same(e.getKey(), lo, hi, mine, their)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean same(long client, long lo, long hi, Run a, Run b) {
    if (a.kind() != b.kind() || a.contentRef() != b.contentRef()) {
      return false;
    }
    if (a.kind() == 0) {
      return true;
    }
    Id origin = originAt(client, lo, a);
    if (!Objects.equals(origin, originAt(client, lo, b)) || !Objects.equals(a.rightOrigin(), b.rightOrigin())
        || (origin == null && a.rightOrigin() == null
            && (!Objects.equals(a.parent(), b.parent()) || !Objects.equals(a.parentSub(), b.parentSub())))) {
      return false;
    }
    if (a.units() == null || b.units() == null) { // deleted content: only its length
      return a.units() == b.units();
    }
    for (long clock = lo; clock < hi; clock++) {
      int i = (int) (clock - a.clock());
      int j = (int) (clock - b.clock());
      boolean equal = a.units() instanceof String s && b.units() instanceof String t ? s.charAt(i) == t.charAt(j)
          : Arrays.equals((byte[]) ((List<?>) a.units()).get(i), (byte[]) ((List<?>) b.units()).get(j));
      if (!equal) {
        return false;
      }
    }
    return true;
  }

  private static Id originAt(long client, long clock, Run r) {
    return clock == r.clock() ? r.origin() : new Id(client, clock - 1);
  }

  private void readStructs(UpdateDecoder decoder) throws DecodeException {
    Lib0Decoder rest = decoder.restDecoder();
    long clients = rest.readVarUint();
    for (long i = 0; i < clients; i++) {
      long count = rest.readVarUint();
      long client = decoder.readClient();
      long clock = rest.readVarUint();
      TreeMap<Long, Run> mine = runs.computeIfAbsent(client, c -> new TreeMap<>());
      for (long j = 0; j < count; j++) {
        int info = decoder.readInfo();
        Run run = switch (info & 0x1F) {
          case 0 -> new Run(clock, decoder.readLen(), 0, null, null, null, null, 0, null);
          case 10 -> new Run(clock, rest.readVarUint(), -1, null, null, null, null, 10, null); // Skip: no claim
          default -> item(decoder, info, clock);
        };
        if (run.kind() >= 0 && run.length() > 0) {
          mine.put(clock, run);
        }
        clock += run.length();
      }
    }
  }

  private Run item(UpdateDecoder decoder, int info, long clock) throws DecodeException {
    Id origin = (info & 0x80) != 0 ? decoder.readLeftId() : null;
    Id rightOrigin = (info & 0x40) != 0 ? decoder.readRightId() : null;
    Object parent = null;
    String parentSub = null;
    if ((info & (0x80 | 0x40)) == 0) {
      parent = decoder.readParentInfo() ? "root:" + decoder.readString() : decoder.readLeftId();
      if ((info & 0x20) != 0) {
        parentSub = decoder.readString();
      }
    }
    int ref = info & 0x1F;
    Lib0Decoder rest = decoder.restDecoder();
    long length = 1;
    Object units;
    switch (ref) {
      case 1 -> {
        length = decoder.readLen();
        units = null;
      }
      case 4 -> {
        String s = decoder.readString();
        length = s.length();
        units = s;
      }
      case 2, 8 -> {
        length = decoder.readLen();
        List<byte[]> elements = new java.util.ArrayList<>();
        for (long i = 0; i < length; i++) {
          int at = rest.position();
          if (ref == 2) {
            decoder.readString();
          } else {
            decoder.readAny();
          }
          elements.add(Arrays.copyOfRange(update, at, rest.position()));
        }
        units = elements;
      }
      default -> {
        int at = rest.position();
        switch (ref) {
          case 3 -> decoder.readBuf();
          case 5 -> decoder.readJson();
          case 6 -> {
            decoder.readKey();
            decoder.readJson();
          }
          case 7 -> {
            int typeRef = decoder.readTypeRef();
            if (typeRef == 3 || typeRef == 5) { // YXmlElement, YXmlHook: the node name
              decoder.readKey();
            }
          }
          case 9 -> {
            decoder.readString();
            decoder.readAny();
          }
          default -> throw new DecodeException("unknown content type " + ref, rest.position());
        }
        units = List.of(Arrays.copyOfRange(update, at, rest.position()));
      }
    }
    return new Run(clock, length, 1, origin, rightOrigin, parent, parentSub, ref, units);
  }
}
