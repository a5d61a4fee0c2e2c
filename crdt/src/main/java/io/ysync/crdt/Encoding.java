package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.DsDecoder;
import io.ysync.crdt.codec.Json;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.Lib0Encoder;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Struct encoding and decoding (update format V1/V2 through {@link UpdateEncoder}/{@link UpdateDecoder}), state
 * vectors and whole-document encoding. Update integration lives in {@link UpdateIntegration}.
 */
// Port of yjs src/utils/encoding.js v13.6.33 (writing and reading parts)
final class Encoding {
  /** Largest clock (or clock + length) accepted from an update: JS safe integers. */
  static final long MAX_CLOCK = (1L << 53) - 1;
  /** Largest client id accepted from an update (Yjs uses uint32; 53-bit ids are tolerated). */
  static final long MAX_CLIENT = (1L << 53) - 1;

  private Encoding() {}

  // ---------------------------------------------------------------- validation helpers

  static DecodeException decodeError(DsDecoder decoder, String message) {
    return new DecodeException(message, decoder.restDecoder().position());
  }

  static DecodeException decodeError(Lib0Decoder decoder, String message) {
    return new DecodeException(message, decoder.position());
  }

  /** Reads a struct/content length and checks it fits an int. */
  static int readLength(UpdateDecoder decoder) throws DecodeException {
    long len = decoder.readLen();
    if (len < 0 || len > Integer.MAX_VALUE) {
      throw decodeError(decoder, "invalid length " + len);
    }
    return (int) len;
  }

  static Object parseJson(UpdateDecoder decoder, String json) throws DecodeException {
    try {
      return Json.parse(json);
    } catch (RuntimeException e) {
      throw decodeError(decoder, "invalid JSON content: " + e.getMessage());
    }
  }

  static long checkClient(DsDecoder decoder, long client) throws DecodeException {
    if (client < 0 || client > MAX_CLIENT) {
      throw decodeError(decoder, "invalid client id " + client);
    }
    return client;
  }

  static void checkRange(DsDecoder decoder, long clock, long len) throws DecodeException {
    if (clock < 0 || len < 0 || clock > MAX_CLOCK || len > MAX_CLOCK - clock) {
      throw decodeError(decoder, "invalid clock range " + clock + "+" + len);
    }
  }

  private static void checkRef(UpdateDecoder decoder, Id ref, long client, long clock) throws DecodeException {
    if (ref.client() < 0 || ref.clock() < 0 || ref.clock() > MAX_CLOCK) {
      throw decodeError(decoder, "invalid id " + ref);
    }
    if (ref.client() == client && ref.clock() >= clock) {
      throw decodeError(decoder, "struct " + client + ":" + clock + " references its own future " + ref);
    }
  }

  // ---------------------------------------------------------------- writing structs

  // Port of writeStructs, yjs src/utils/encoding.js v13.6.33
  static void writeStructs(UpdateEncoder encoder, ArrayList<AbstractStruct> structs, long client, long clock) {
    // write first id
    clock = Math.max(clock, structs.get(0).id.clock()); // make sure the first id exists
    int startNewStructs = StructStore.findIndexSS(structs, clock);
    // write # encoded structs
    encoder.restEncoder().writeVarUint(structs.size() - startNewStructs);
    encoder.writeClient(client);
    encoder.restEncoder().writeVarUint(clock);
    AbstractStruct firstStruct = structs.get(startNewStructs);
    // write first struct with an offset
    firstStruct.write(encoder, (int) (clock - firstStruct.id.clock()));
    for (int i = startNewStructs + 1; i < structs.size(); i++) {
      structs.get(i).write(encoder, 0);
    }
  }

  // Port of writeClientsStructs, yjs src/utils/encoding.js v13.6.33
  static void writeClientsStructs(UpdateEncoder encoder, StructStore store, Map<Long, Long> sv) {
    // we filter all valid sv entries into sm: the clients of the store with structs beyond sv (a client missing in sv
    // starts at 0; sv entries of clients the store doesn't know have nothing to write)
    ClientClocks states = store.states();
    // a copy of the live state (a transaction's beforeState) names the same clients at the same positions
    ClientClocks copy = sv instanceof ClientClocks clocks && clocks.isCopyOf(states) ? clocks : null;
    long[] sm = new long[Math.min(states.size(), 8)];
    int n = 0;
    for (int i = 0; i < states.size(); i++) {
      long client = states.clientAt(i);
      if (states.clockAt(i) > (copy != null ? copy.clockAtOr(i, 0) : clockOf(sv, client))) {
        if (n == sm.length) {
          sm = Arrays.copyOf(sm, n * 2);
        }
        sm[n++] = client;
      }
    }
    // write # states that were updated
    encoder.restEncoder().writeVarUint(n);
    // Write items with higher client ids first. This heavily improves the conflict algorithm.
    if (n > 1) {
      Arrays.sort(sm, 0, n);
    }
    for (int i = n - 1; i >= 0; i--) {
      long client = sm[i];
      writeStructs(encoder, store.clients.get(client), client, clockOf(sv, client));
    }
  }

  /** The clock of {@code client} in {@code sv}, 0 if absent. */
  private static long clockOf(Map<Long, Long> sv, long client) {
    if (sv instanceof ClientClocks clocks) {
      return clocks.clockOf(client, 0);
    }
    Long clock = sv.get(client);
    return clock == null ? 0 : clock;
  }

  static Long[] sortedDesc(java.util.Collection<Long> clients) {
    Long[] keys = clients.toArray(new Long[0]);
    Arrays.sort(keys, Collections.reverseOrder());
    return keys;
  }

  // ---------------------------------------------------------------- reading structs

  /**
   * Reads all structs of an update without touching any document.
   *
   * @param maxStructs upper bound for the number of structs (guards hostile counts)
   */
  // Port of readClientsStructRefs, yjs src/utils/encoding.js v13.6.33
  static LinkedHashMap<Long, ArrayList<AbstractStruct>> readClientsStructRefs(UpdateDecoder decoder,
      long maxStructs) throws DecodeException {
    LinkedHashMap<Long, ArrayList<AbstractStruct>> clientRefs = new LinkedHashMap<>();
    Lib0Decoder rest = decoder.restDecoder();
    long numOfStateUpdates = rest.readVarUint();
    long total = 0;
    for (long i = 0; i < numOfStateUpdates; i++) {
      long numberOfStructs = rest.readVarUint();
      total += numberOfStructs;
      if (numberOfStructs < 0 || total > maxStructs) {
        throw decodeError(decoder, "too many structs: " + numberOfStructs);
      }
      long client = checkClient(decoder, decoder.readClient());
      long clock = rest.readVarUint();
      checkRange(decoder, clock, 0);
      ArrayList<AbstractStruct> refs = new ArrayList<>((int) Math.min(numberOfStructs, 1024));
      clientRefs.put(client, refs);
      for (long j = 0; j < numberOfStructs; j++) {
        int info = decoder.readInfo();
        switch (info & 0x1F) {
          case 0 -> { // GC
            int len = readLength(decoder);
            checkStructLength(decoder, clock, len);
            refs.add(new GC(new Id(client, clock), len));
            clock += len;
          }
          case 10 -> { // Skip Struct (nothing to apply)
            long len = rest.readVarUint();
            if (len > Integer.MAX_VALUE) {
              throw decodeError(decoder, "invalid skip length " + len);
            }
            checkRange(decoder, clock, len);
            refs.add(new Skip(new Id(client, clock), (int) len));
            clock += len;
          }
          default -> {
            Item struct = readItem(decoder, info, client, clock);
            refs.add(struct);
            clock += struct.length;
          }
        }
      }
    }
    return clientRefs;
  }

  private static void checkStructLength(UpdateDecoder decoder, long clock, int len) throws DecodeException {
    if (len <= 0) {
      throw decodeError(decoder, "struct of length " + len + " at clock " + clock);
    }
    checkRange(decoder, clock, len);
  }

  private static Item readItem(UpdateDecoder decoder, int info, long client, long clock) throws DecodeException {
    boolean cantCopyParentInfo = (info & (0x40 | 0x80)) == 0;
    // The item that was originally to the left / right of this item.
    Id origin = (info & 0x80) == 0x80 ? decoder.readLeftId() : null;
    Id rightOrigin = (info & 0x40) == 0x40 ? decoder.readRightId() : null;
    String parentYKey = null;
    Id parentId = null;
    if (cantCopyParentInfo) {
      // If parent = null and neither left nor right are defined, then we know that `parent` is child of `y`
      if (decoder.readParentInfo()) {
        parentYKey = decoder.readString();
      } else {
        parentId = decoder.readLeftId();
      }
    }
    String parentSub = cantCopyParentInfo && (info & 0x20) == 0x20 ? decoder.readString() : null;
    Content content = Item.readItemContent(decoder, info);
    Id id = new Id(client, clock);
    Item item = new Item(id, null, origin, null, rightOrigin, null, parentSub, content);
    item.parentId = parentId;
    item.parentYKey = parentYKey;
    checkStructLength(decoder, clock, item.length);
    if (origin != null) {
      checkRef(decoder, origin, client, clock);
    }
    if (rightOrigin != null) {
      checkRef(decoder, rightOrigin, client, clock);
    }
    if (parentId != null) {
      checkRef(decoder, parentId, client, clock);
    }
    return item;
  }

  // ---------------------------------------------------------------- whole document

  // Port of writeStateAsUpdate, yjs src/utils/encoding.js v13.6.33
  static void writeStateAsUpdate(UpdateEncoder encoder, Doc doc, Map<Long, Long> targetStateVector) {
    writeClientsStructs(encoder, doc.store, targetStateVector);
    DeleteSet.createFromStructStore(doc.store).write(encoder);
  }

  /**
   * The document state as an update (including pending structs and deletions, like Yjs). Without pending state
   * the bytes are identical to Yjs; with pending state they are an equivalent update (Yjs merges with
   * {@code mergeUpdates}, whose struct boundaries may differ).
   */
  // Port of encodeStateAsUpdateV2, yjs src/utils/encoding.js v13.6.33
  static byte[] encodeStateAsUpdate(Doc doc, Map<Long, Long> targetStateVector, UpdateEncoder encoder) {
    StructStore store = doc.store;
    if (store.pendingStructs == null && store.pendingDs == null) {
      writeStateAsUpdate(encoder, doc, targetStateVector);
      return encoder.toByteArray();
    }
    // merge store structs with pending structs per client
    Map<Long, ArrayList<AbstractStruct>> lists = new HashMap<>();
    Map<Long, Long> starts = new HashMap<>();
    for (Map.Entry<Long, ArrayList<AbstractStruct>> e : store.clients.entrySet()) {
      long from = targetStateVector.getOrDefault(e.getKey(), 0L);
      if (store.getState(e.getKey()) > from) {
        lists.put(e.getKey(), new ArrayList<>(e.getValue()));
        starts.put(e.getKey(), Math.max(from, e.getValue().get(0).id.clock()));
      }
    }
    if (store.pendingStructs != null) {
      for (Map.Entry<Long, ArrayList<AbstractStruct>> e : store.pendingStructs.refs.entrySet()) {
        long client = e.getKey();
        ArrayList<AbstractStruct> list = lists.computeIfAbsent(client, c -> new ArrayList<>());
        long end = list.isEmpty() ? -1 : list.get(list.size() - 1).clockEnd();
        long from = targetStateVector.getOrDefault(client, 0L);
        for (AbstractStruct s : e.getValue()) {
          if (s instanceof Skip || s.clockEnd() <= Math.max(end, from)) {
            continue;
          }
          if (end < 0) {
            starts.put(client, Math.max(from, s.id.clock()));
          } else if (s.id.clock() > end) {
            list.add(new Skip(new Id(client, end), (int) (s.id.clock() - end)));
          }
          list.add(s);
          end = s.clockEnd();
        }
        if (list.isEmpty()) {
          lists.remove(client);
        }
      }
    }
    encoder.restEncoder().writeVarUint(lists.size());
    for (Long client : sortedDesc(lists.keySet())) {
      ArrayList<AbstractStruct> structs = lists.get(client);
      long clock = starts.get(client);
      int first = 0;
      while (structs.get(first).clockEnd() <= clock) {
        first++;
      }
      encoder.restEncoder().writeVarUint(structs.size() - first);
      encoder.writeClient(client);
      encoder.restEncoder().writeVarUint(clock);
      long prevEnd = clock;
      for (int i = first; i < structs.size(); i++) {
        AbstractStruct s = structs.get(i);
        int offset = (int) Math.max(0, prevEnd - s.id.clock());
        s.write(encoder, offset);
        prevEnd = s.clockEnd();
      }
    }
    DeleteSet ds = DeleteSet.createFromStructStore(store);
    if (store.pendingDs != null) {
      ds = DeleteSet.mergeDeleteSets(List.of(ds, store.pendingDs));
    }
    ds.write(encoder);
    return encoder.toByteArray();
  }

  // ---------------------------------------------------------------- state vectors

  // Port of readStateVector, yjs src/utils/encoding.js v13.6.33
  static Map<Long, Long> readStateVector(Lib0Decoder decoder) throws DecodeException {
    Map<Long, Long> ss = new LinkedHashMap<>();
    long ssLength = decoder.readVarUint();
    for (long i = 0; i < ssLength; i++) {
      long client = decoder.readVarUint();
      long clock = decoder.readVarUint();
      if (client < 0 || client > MAX_CLIENT || clock < 0 || clock > MAX_CLOCK) {
        throw decodeError(decoder, "invalid state vector entry " + client + ":" + clock);
      }
      ss.put(client, clock);
    }
    return ss;
  }

  // Port of writeStateVector, yjs src/utils/encoding.js v13.6.33
  static void writeStateVector(Lib0Encoder encoder, Map<Long, Long> sv) {
    encoder.writeVarUint(sv.size());
    if (sv instanceof ClientClocks clocks) {
      long[] clients = new long[clocks.size()];
      for (int i = 0; i < clients.length; i++) {
        clients[i] = clocks.clientAt(i);
      }
      Arrays.sort(clients);
      for (int i = clients.length - 1; i >= 0; i--) {
        encoder.writeVarUint(clients[i]); // @todo use a special client decoder that is based on mapping
        encoder.writeVarUint(clocks.clockOf(clients[i], 0));
      }
      return;
    }
    for (Long client : sortedDesc(sv.keySet())) {
      encoder.writeVarUint(client); // @todo use a special client decoder that is based on mapping
      encoder.writeVarUint(sv.get(client));
    }
  }

  // Port of encodeStateVector, yjs src/utils/encoding.js v13.6.33
  static byte[] encodeStateVector(Map<Long, Long> sv) {
    Lib0Encoder encoder = new Lib0Encoder();
    writeStateVector(encoder, sv);
    return encoder.toByteArray();
  }

  // Port of decodeStateVector, yjs src/utils/encoding.js v13.6.33
  static Map<Long, Long> decodeStateVector(byte[] encoded) throws DecodeException {
    return readStateVector(new Lib0Decoder(encoded));
  }
}
