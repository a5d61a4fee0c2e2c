package io.ysync.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.ysync.proto.pb.Control;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import io.ysync.proto.pb.SyncStep;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class EnvelopeTest {
  @Test
  void envelope_roundTripsThroughTheWireFormat() throws Exception {
    Envelope e = Envelope.newBuilder().setDocument("room/1").setOriginInstance("i-1").setKind(Kind.KIND_SYNC_STEP)
        .setSyncStep(SyncStep.SYNC_STEP_2).setPayload(ByteString.copyFrom(new byte[] {0, 0}))
        .setSequence(42).setTimestampMillis(1234).build();
    Envelope back = Envelope.parseFrom(e.toByteArray());
    assertEquals(e, back);
    assertEquals("room/1", back.getDocument());
    assertEquals(Kind.KIND_SYNC_STEP, back.getKind());
    Envelope control = Envelope.newBuilder().setKind(Kind.KIND_CONTROL).setControl(Control.CONTROL_DOC_LOADED).build();
    assertEquals(Control.CONTROL_DOC_LOADED, Envelope.parseFrom(control.toByteArray()).getControl());
  }
}
