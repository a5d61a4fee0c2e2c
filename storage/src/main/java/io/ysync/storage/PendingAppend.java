package io.ysync.storage;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** An append waiting for the committer: the encoded entry, its key and the future to complete. */
record PendingAppend(
    DocState state,
    long seq,
    byte[] key,
    byte[] value,
    byte @Nullable [] stateVector,
    CompletableFuture<Long> future) {}
