package io.ysync.server;

/** The document engine the server uses by default: the CRDT port behind {@link YjsDocumentEngine}. */
public final class DefaultEngines {
  private DefaultEngines() {}

  /** The engine factory of a normal server (the command line passes it to {@code SyncServer.start}). */
  public static DocumentEngine.Factory factory() {
    return new DocumentEngine.Factory() {
      @Override
      public DocumentEngine create(String room) {
        return new YjsDocumentEngine(room);
      }

      @Override
      public ColdChecks coldChecks() {
        return YjsDocumentEngine.COLD_CHECKS;
      }
    };
  }
}
