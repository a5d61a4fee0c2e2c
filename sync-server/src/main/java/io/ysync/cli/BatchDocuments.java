package io.ysync.cli;

import io.ysync.crdt.AbstractType;
import io.ysync.crdt.Doc;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The document of the last job of a {@code ysync doc batch}, handed to the next job that reads the same inputs.
 *
 * <p>Design note: the conformance checker's batches run {@code json}, {@code delta}, {@code state}, {@code sv} ...
 * on the same update files one after another; building the document once saves reading and applying every file
 * again. Those commands only read the document, except that asking for a root type defines it (Yjs's
 * {@code doc.get(name, Type)}): a root already defined as another type makes {@code get} throw where a fresh document
 * would not. So a document is reused only when the inputs are equal (same file names in the same order, same
 * {@code --no-gc}, {@code --in-v2}) and every root the job asks for is either not asked for yet or asked for with
 * the same type; otherwise the job gets a fresh document, which replaces the kept one. At most one document is kept.
 * A job whose output file has the name of one of the inputs drops the kept document (the job may have rewritten an
 * input). Not thread-safe: a batch runs its jobs one after another.
 */
final class BatchDocuments {
  /** What a document was built from. */
  record Inputs(List<Path> files, boolean gc, boolean inV2) {
    Inputs {
      files = List.copyOf(files);
    }
  }

  private Inputs inputs;
  private Doc doc;
  /** The roots jobs asked the kept document for, and as which type. */
  private final Map<String, Class<? extends AbstractType>> roots = new HashMap<>();
  /**
   * Sorted hash codes of the file names (last path elements) of the kept document's inputs, built when a job writes
   * its output: a collision only drops the document needlessly.
   */
  private int[] inputNameHashes;

  /**
   * The document for a job: the kept one when it may be reused (see the class comment), otherwise a fresh one from
   * {@code build}, which is then kept.
   *
   * @param inputs what the job builds its document from
   * @param jobRoots the root types the job will ask the document for
   * @param build builds the document; a failure propagates and nothing is kept
   */
  Doc document(Inputs inputs, Map<String, Class<? extends AbstractType>> jobRoots, Supplier<Doc> build) {
    if (doc == null || !this.inputs.equals(inputs) || !compatible(jobRoots)) {
      clear();
      Doc fresh = build.get();
      this.inputs = inputs;
      this.doc = fresh;
    }
    roots.putAll(jobRoots);
    return doc;
  }

  /** Called after a job wrote {@code output}: drops the kept document when it may have been one of its inputs. */
  void written(Path output) {
    if (doc == null) {
      return;
    }
    if (inputNameHashes == null) {
      List<Path> files = inputs.files();
      inputNameHashes = new int[files.size()];
      for (int i = 0; i < inputNameHashes.length; i++) {
        inputNameHashes[i] = Objects.hashCode(files.get(i).getFileName());
      }
      Arrays.sort(inputNameHashes);
    }
    if (Arrays.binarySearch(inputNameHashes, Objects.hashCode(output.getFileName())) >= 0) {
      clear();
    }
  }

  private boolean compatible(Map<String, Class<? extends AbstractType>> jobRoots) {
    for (Map.Entry<String, Class<? extends AbstractType>> e : jobRoots.entrySet()) {
      Class<? extends AbstractType> asked = roots.get(e.getKey());
      if (asked != null && asked != e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void clear() {
    inputs = null;
    doc = null;
    inputNameHashes = null;
    roots.clear();
  }
}
