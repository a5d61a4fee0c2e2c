package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.DsDecoderV2;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateDecoderV1;
import io.ysync.crdt.codec.UpdateDecoderV2;
import io.ysync.crdt.codec.UpdateEncoder;
import io.ysync.crdt.codec.UpdateEncoderV1;
import io.ysync.crdt.codec.UpdateEncoderV2;
import io.ysync.crdt.codec.Undefined;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a document: its delete set plus its state vector. With garbage collection disabled, a snapshot
 * identifies one past state of the document, which {@link #createDocFromSnapshot} restores and
 * {@link YText#toDelta(Snapshot, Snapshot, java.util.function.BiFunction)} renders. The encodings are
 * byte-identical to Yjs's {@code encodeSnapshot} / {@code encodeSnapshotV2}.
 *
 * <p>A snapshot is a value as far as the public API goes: its delete set and state vector are never modified by
 * this library. Like {@link Doc}, it is not thread-safe.
 */
// Port of Snapshot, yjs src/utils/Snapshot.js v13.6.33
public final class Snapshot {
  private static final Object SPLIT_META_KEY = new Object();
  private static final Snapshot EMPTY = new Snapshot(new DeleteSet(), Map.of());

  /** The delete set (sorted and merged when taken from a document). */
  final DeleteSet ds;
  /** The state vector: client to next expected clock. */
  final Map<Long, Long> sv;

  Snapshot(DeleteSet ds, Map<Long, Long> sv) {
    this.ds = ds;
    this.sv = sv;
  }

  /** The delete set of this snapshot (read-only view). */
  public DeleteSet deleteSet() {
    return ds;
  }

  /** The state vector of this snapshot. */
  public StateVector stateVector() {
    return StateVector.of(sv);
  }

  /** The snapshot of the current state of {@code doc}. */
  // Port of snapshot, yjs src/utils/Snapshot.js v13.6.33
  public static Snapshot snapshot(Doc doc) {
    return new Snapshot(DeleteSet.createFromStructStore(doc.store), doc.store.getStateVector());
  }

  /** The snapshot of an empty document (no structs, no deletions). */
  // Port of emptySnapshot, yjs src/utils/Snapshot.js v13.6.33
  public static Snapshot emptySnapshot() {
    return EMPTY;
  }

  /** A snapshot from a delete set and a state vector. */
  // Port of createSnapshot, yjs src/utils/Snapshot.js v13.6.33
  public static Snapshot createSnapshot(DeleteSet ds, StateVector sv) {
    return new Snapshot(ds, new LinkedHashMap<>(sv.toMap()));
  }

  /** Whether both snapshots have the same state vector and the same delete ranges (in the same order). */
  // Port of equalSnapshots, yjs src/utils/Snapshot.js v13.6.33
  public static boolean equalSnapshots(Snapshot snap1, Snapshot snap2) {
    Map<Long, ArrayList<DeleteItem>> ds1 = snap1.ds.clients;
    Map<Long, ArrayList<DeleteItem>> ds2 = snap2.ds.clients;
    if (snap1.sv.size() != snap2.sv.size() || ds1.size() != ds2.size()) {
      return false;
    }
    for (Map.Entry<Long, Long> e : snap1.sv.entrySet()) {
      if (!e.getValue().equals(snap2.sv.get(e.getKey()))) {
        return false;
      }
    }
    for (Map.Entry<Long, ArrayList<DeleteItem>> e : ds1.entrySet()) {
      List<DeleteItem> dsitems2 = ds2.getOrDefault(e.getKey(), new ArrayList<>());
      if (!e.getValue().equals(dsitems2)) {
        return false;
      }
    }
    return true;
  }

  /** The V1 encoding (delete set, then state vector), byte-identical to Yjs's {@code encodeSnapshot}. */
  // Port of encodeSnapshot, yjs src/utils/Snapshot.js v13.6.33
  public static byte[] encodeSnapshot(Snapshot snapshot) {
    UpdateEncoderV1 encoder = new UpdateEncoderV1();
    write(encoder, snapshot);
    return encoder.toByteArray();
  }

  /** The V2 encoding, byte-identical to Yjs's {@code encodeSnapshotV2} (a {@code DSEncoderV2}: no columns). */
  // Port of encodeSnapshotV2, yjs src/utils/Snapshot.js v13.6.33
  public static byte[] encodeSnapshotV2(Snapshot snapshot) {
    UpdateEncoderV2 encoder = new UpdateEncoderV2();
    write(encoder, snapshot);
    // DSEncoderV2#toUint8Array is the rest encoder only
    return encoder.restEncoder().toByteArray();
  }

  private static void write(UpdateEncoder encoder, Snapshot snapshot) {
    snapshot.ds.write(encoder);
    Encoding.writeStateVector(encoder.restEncoder(), snapshot.sv);
  }

  /**
   * Decodes {@link #encodeSnapshot} bytes.
   *
   * @throws DecodeException on malformed bytes
   */
  // Port of decodeSnapshot, yjs src/utils/Snapshot.js v13.6.33
  public static Snapshot decodeSnapshot(byte[] buf) throws DecodeException {
    UpdateDecoderV1 decoder = new UpdateDecoderV1(new Lib0Decoder(buf));
    return new Snapshot(DeleteSet.read(decoder), Encoding.readStateVector(decoder.restDecoder()));
  }

  /**
   * Decodes {@link #encodeSnapshotV2} bytes.
   *
   * @throws DecodeException on malformed bytes
   */
  // Port of decodeSnapshotV2, yjs src/utils/Snapshot.js v13.6.33
  public static Snapshot decodeSnapshotV2(byte[] buf) throws DecodeException {
    DsDecoderV2 decoder = new DsDecoderV2(new Lib0Decoder(buf));
    return new Snapshot(DeleteSet.read(decoder), Encoding.readStateVector(decoder.restDecoder()));
  }

  /** Whether {@code item} is visible in {@code snapshot} (null = the current state: not deleted). */
  // Port of isVisible, yjs src/utils/Snapshot.js v13.6.33
  static boolean isVisible(Item item, @Nullable Snapshot snapshot) {
    if (snapshot == null) {
      return !item.isDeleted();
    }
    Long clock = snapshot.sv.get(item.id.client());
    return clock != null && clock > item.id.clock() && !snapshot.ds.isDeleted(item.id);
  }

  /**
   * Splits the structs of {@code transaction}'s document at the borders of {@code snapshot} (its state vector and
   * delete ranges), once per transaction and snapshot, so that every item is either wholly visible in the
   * snapshot or not. Needed before rendering a snapshot ({@code YText#toDelta(Snapshot, ...)} does it).
   */
  // Port of splitSnapshotAffectedStructs, yjs src/utils/Snapshot.js v13.6.33
  @SuppressWarnings("unchecked")
  public static void splitSnapshotAffectedStructs(Transaction transaction, Snapshot snapshot) {
    Set<Snapshot> meta = (Set<Snapshot>) transaction.meta.computeIfAbsent(SPLIT_META_KEY,
        k -> Collections.newSetFromMap(new IdentityHashMap<>()));
    StructStore store = transaction.doc.store;
    // check if we already split for this snapshot
    if (!meta.contains(snapshot)) {
      snapshot.sv.forEach((client, clock) -> {
        if (clock < store.getState(client)) {
          store.getItemCleanStart(transaction, new Id(client, clock));
        }
      });
      snapshot.ds.iterateDeletedStructs(transaction, item -> { });
      meta.add(snapshot);
    }
  }

  /** {@link #createDocFromSnapshot(Doc, Snapshot, Doc)} into a new default {@link Doc}. */
  public static Doc createDocFromSnapshot(Doc originDoc, Snapshot snapshot) {
    return createDocFromSnapshot(originDoc, snapshot, new Doc());
  }

  /**
   * Restores the state {@code snapshot} describes: writes all structs of {@code originDoc} below the snapshot's
   * state vector plus the snapshot's delete set as one V2 update and applies it to {@code newDoc} (origin
   * {@code "snapshot"}). Splits structs of {@code originDoc} at the snapshot borders (in a transaction).
   *
   * @return {@code newDoc}
   * @throws IllegalArgumentException if {@code originDoc} garbage-collects (restored content could be missing)
   */
  // Port of createDocFromSnapshot, yjs src/utils/Snapshot.js v13.6.33
  public static Doc createDocFromSnapshot(Doc originDoc, Snapshot snapshot, Doc newDoc) {
    if (originDoc.gc) {
      // we should not try to restore a GC-ed document, because some of the restored items might have their
      // content deleted
      throw new IllegalArgumentException("Garbage-collection must be disabled in `originDoc`!");
    }
    Map<Long, Long> sv = snapshot.sv;
    DeleteSet ds = snapshot.ds;
    UpdateEncoderV2 encoder = new UpdateEncoderV2();
    originDoc.transact(transaction -> {
      int size = 0;
      for (long clock : sv.values()) {
        if (clock > 0) {
          size++;
        }
      }
      encoder.restEncoder().writeVarUint(size);
      // splitting the structs before writing them to the encoder
      for (Map.Entry<Long, Long> e : sv.entrySet()) {
        long client = e.getKey();
        long clock = e.getValue();
        if (clock == 0) {
          continue;
        }
        if (clock < originDoc.store.getState(client)) {
          originDoc.store.getItemCleanStart(transaction, new Id(client, clock));
        }
        ArrayList<AbstractStruct> structs = originDoc.store.clients.getOrDefault(client, new ArrayList<>());
        // Yjs: findIndexSS on an empty array throws; so does this (the snapshot is not of this doc)
        if (structs.isEmpty()) {
          throw new IllegalArgumentException("snapshot refers to client " + client + " unknown to originDoc");
        }
        int lastStructIndex = StructStore.findIndexSS(structs, clock - 1);
        // write # encoded structs
        encoder.restEncoder().writeVarUint(lastStructIndex + 1);
        encoder.writeClient(client);
        // first clock written is 0
        encoder.restEncoder().writeVarUint(0);
        for (int i = 0; i <= lastStructIndex; i++) {
          structs.get(i).write(encoder, 0);
        }
      }
      ds.write(encoder);
    });
    try {
      Updates.applyUpdateV2(newDoc, encoder.toByteArray(), "snapshot");
    } catch (DecodeException e) {
      throw new IllegalStateException("re-reading our own encoding failed", e);
    }
    return newDoc;
  }

  /**
   * Whether every struct and deletion of the V2 {@code update} is already part of {@code snapshot}.
   *
   * @throws DecodeException on a malformed update
   */
  // Port of snapshotContainsUpdateV2, yjs src/utils/Snapshot.js v13.6.33
  public static boolean snapshotContainsUpdateV2(Snapshot snapshot, byte[] update) throws DecodeException {
    return snapshotContainsUpdate(snapshot, new UpdateDecoderV2(new Lib0Decoder(update)),
        LazyStructReader.maxStructsFor(update.length, true));
  }

  /**
   * Whether every struct and deletion of the V1 {@code update} is already part of {@code snapshot}.
   *
   * @throws DecodeException on a malformed update
   */
  // Port of snapshotContainsUpdate, yjs src/utils/Snapshot.js v13.6.33
  public static boolean snapshotContainsUpdate(Snapshot snapshot, byte[] update) throws DecodeException {
    return snapshotContainsUpdate(snapshot, new UpdateDecoderV1(new Lib0Decoder(update)),
        LazyStructReader.maxStructsFor(update.length, false));
  }

  private static boolean snapshotContainsUpdate(Snapshot snapshot, UpdateDecoder updateDecoder, long maxStructs)
      throws DecodeException {
    LazyStructReader lazyDecoder = new LazyStructReader(updateDecoder, false, maxStructs);
    for (AbstractStruct curr = lazyDecoder.curr; curr != null; curr = lazyDecoder.next()) {
      if (snapshot.sv.getOrDefault(curr.id.client(), 0L) < curr.id.clock() + curr.length) {
        return false;
      }
    }
    DeleteSet mergedDs = DeleteSet.mergeDeleteSets(List.of(snapshot.ds, DeleteSet.read(updateDecoder)));
    return equalDeleteSets(snapshot.ds, mergedDs);
  }

  // Port of equalDeleteSets, yjs src/utils/DeleteSet.js v13.6.33
  static boolean equalDeleteSets(DeleteSet ds1, DeleteSet ds2) {
    if (ds1.clients.size() != ds2.clients.size()) {
      return false;
    }
    for (Map.Entry<Long, ArrayList<DeleteItem>> e : ds1.clients.entrySet()) {
      ArrayList<DeleteItem> deleteItems2 = ds2.clients.get(e.getKey());
      if (deleteItems2 == null || !e.getValue().equals(deleteItems2)) {
        return false;
      }
    }
    return true;
  }

  /** The content of list type {@code type} as it was in {@code snapshot}. */
  // Port of typeListToArraySnapshot, yjs src/types/AbstractType.js v13.6.33
  public static List<Object> typeListToArraySnapshot(AbstractType type, Snapshot snapshot) {
    List<Object> cs = new ArrayList<>();
    for (Item n = type._start; n != null; n = n.right) {
      if (n.countable() && isVisible(n, snapshot)) {
        cs.addAll(n.content.getContent());
      }
    }
    return cs;
  }

  /** The value of {@code key} of map type {@code parent} in {@code snapshot}; {@link Undefined} if unset. */
  // Port of typeMapGetSnapshot, yjs src/types/AbstractType.js v13.6.33
  public static @Nullable Object typeMapGetSnapshot(AbstractType parent, String key, Snapshot snapshot) {
    Item v = visibleMapItem(parent._map.get(key), snapshot);
    return v != null ? v.content.getContent().get(v.length - 1) : Undefined.INSTANCE;
  }

  /** All entries of map type {@code parent} that were set in {@code snapshot} (JS key order). */
  // Port of typeMapGetAllSnapshot, yjs src/types/AbstractType.js v13.6.33
  public static Map<String, Object> typeMapGetAllSnapshot(AbstractType parent, Snapshot snapshot) {
    Map<String, Object> res = new LinkedHashMap<>();
    parent._map.forEach((key, value) -> {
      Item v = visibleMapItem(value, snapshot);
      if (v != null) {
        res.put(key, v.content.getContent().get(v.length - 1));
      }
    });
    return JsValues.jsObject(res);
  }

  private static @Nullable Item visibleMapItem(@Nullable Item v, Snapshot snapshot) {
    while (v != null && (!snapshot.sv.containsKey(v.id.client())
        || v.id.clock() >= snapshot.sv.getOrDefault(v.id.client(), 0L))) {
      v = v.left;
    }
    return v != null && isVisible(v, snapshot) ? v : null;
  }

  @Override
  public String toString() {
    return "Snapshot{ds=" + ds + ", sv=" + sv + "}";
  }
}
