package io.ysync.server;

/** The document engine the server uses by default: the CRDT port behind {@link YjsDocumentEngine}. */
final class DefaultEngines {
  private DefaultEngines() {}

  static DocumentEngine.Factory factory() {
    return YjsDocumentEngine::new;
  }
}
