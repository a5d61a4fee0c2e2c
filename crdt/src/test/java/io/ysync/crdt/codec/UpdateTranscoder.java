package io.ysync.crdt.codec;

/**
 * Test helper: reads a whole Yjs update (structs + delete set, following yjs src/utils/encoding.js
 * readClientsStructRefs / readItemContent / readDeleteSet v13.6.33) with an {@link UpdateDecoder} and replays every
 * value into an {@link UpdateEncoder} in the order Yjs writes them (writeStructs / Item#write / writeDeleteSet).
 */
final class UpdateTranscoder {

  private UpdateTranscoder() {}

  static void transcode(UpdateDecoder d, UpdateEncoder e) throws DecodeException {
    Lib0Decoder rest = d.restDecoder();
    Lib0Encoder out = e.restEncoder();
    long numOfStateUpdates = rest.readVarUint();
    out.writeVarUint(numOfStateUpdates);
    for (long i = 0; i < numOfStateUpdates; i++) {
      long numberOfStructs = rest.readVarUint();
      out.writeVarUint(numberOfStructs);
      e.writeClient(d.readClient());
      out.writeVarUint(rest.readVarUint());
      for (long j = 0; j < numberOfStructs; j++) {
        int info = d.readInfo();
        e.writeInfo(info);
        switch (info & 0x1f) {
          case 0 -> e.writeLen(d.readLen()); // GC
          case 10 -> out.writeVarUint(rest.readVarUint()); // Skip
          default -> item(d, e, info);
        }
      }
    }
    long numClients = rest.readVarUint();
    out.writeVarUint(numClients);
    for (long i = 0; i < numClients; i++) {
      d.resetDsCurVal();
      e.resetDsCurVal();
      out.writeVarUint(rest.readVarUint());
      long numberOfDeletes = rest.readVarUint();
      out.writeVarUint(numberOfDeletes);
      for (long k = 0; k < numberOfDeletes; k++) {
        e.writeDsClock(d.readDsClock());
        e.writeDsLen(d.readDsLen());
      }
    }
  }

  private static void item(UpdateDecoder d, UpdateEncoder e, int info) throws DecodeException {
    boolean cantCopyParentInfo = (info & (0x40 | 0x80)) == 0;
    if ((info & 0x80) != 0) {
      e.writeLeftId(d.readLeftId());
    }
    if ((info & 0x40) != 0) {
      e.writeRightId(d.readRightId());
    }
    if (cantCopyParentInfo) {
      boolean isYKey = d.readParentInfo();
      e.writeParentInfo(isYKey);
      if (isYKey) {
        e.writeString(d.readString());
      } else {
        e.writeLeftId(d.readLeftId());
      }
      if ((info & 0x20) != 0) {
        e.writeString(d.readString());
      }
    }
    switch (info & 0x1f) {
      case 1 -> e.writeLen(d.readLen()); // ContentDeleted
      case 2 -> { // ContentJSON
        long len = d.readLen();
        e.writeLen(len);
        for (long i = 0; i < len; i++) {
          e.writeString(d.readString());
        }
      }
      case 3 -> e.writeBuf(d.readBuf());
      case 4 -> e.writeString(d.readString());
      case 5 -> e.writeJson(d.readJson());
      case 6 -> {
        e.writeKey(d.readKey());
        e.writeJson(d.readJson());
      }
      case 7 -> {
        int ref = d.readTypeRef();
        e.writeTypeRef(ref);
        if (ref == 3 || ref == 5) { // YXmlElement node name, YXmlHook hook name
          e.writeKey(d.readKey());
        }
      }
      case 8 -> {
        long len = d.readLen();
        e.writeLen(len);
        for (long i = 0; i < len; i++) {
          e.writeAny(d.readAny());
        }
      }
      case 9 -> {
        e.writeString(d.readString());
        e.writeAny(d.readAny());
      }
      default -> throw new DecodeException("unknown content ref " + (info & 0x1f), d.restDecoder().position());
    }
  }
}
