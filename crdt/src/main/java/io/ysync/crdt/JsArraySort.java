package io.ysync.crdt;

import java.util.Comparator;
import java.util.List;

/**
 * JavaScript's {@code Array.prototype.sort} as V8 (Node) implements it: TimSort with the exact same sequence of
 * comparisons and moves. Yjs's {@code mergeUpdatesV2} sorts its readers with a comparator that is not consistent
 * (an Item and a GC at the same id compare as "less" in both directions), so the order of such ties, and hence the
 * merged bytes, depend on the algorithm; this reproduces V8's choices. For consistent comparators it is simply a
 * stable sort.
 *
 * <p>Behaviour-compatible with V8's {@code ArrayTimSort} (third_party/v8/builtins/array-sort.tq, itself CPython's
 * listsort): minimum run length, natural runs, binary insertion sort, the run-stack invariants, galloping merges
 * with {@code minGallop} starting at 7.
 */
final class JsArraySort {
  private JsArraySort() {}

  /** Sorts {@code list} in place exactly as V8's {@code Array.prototype.sort(cmp)} would. */
  @SuppressWarnings("unchecked")
  static <T> void sort(List<T> list, Comparator<? super T> cmp) {
    int n = list.size();
    if (n < 2) {
      return;
    }
    Object[] work = list.toArray();
    new State((Comparator<Object>) cmp, work).sort(n);
    for (int i = 0; i < n; i++) {
      list.set(i, (T) work[i]);
    }
  }

  private static final class State {
    private final Comparator<Object> cmp;
    private final Object[] work;
    private final JsTimSortMerge merge;
    private int[] runBase = new int[16];
    private int[] runLength = new int[16];
    private int stackSize;

    State(Comparator<Object> cmp, Object[] work) {
      this.cmp = cmp;
      this.work = work;
      this.merge = new JsTimSortMerge(cmp, work);
    }

    private int compare(Object x, Object y) {
      return cmp.compare(x, y);
    }

    void sort(int length) {
      int remaining = length;
      int low = 0;
      int minRunLength = computeMinRunLength(remaining);
      while (remaining != 0) {
        int currentRunLength = countAndMakeRun(low, low + remaining);
        // If the run is short, extend it to min(minRunLength, remaining).
        if (currentRunLength < minRunLength) {
          int forcedRunLength = Math.min(minRunLength, remaining);
          binaryInsertionSort(low, low + currentRunLength, low + forcedRunLength);
          currentRunLength = forcedRunLength;
        }
        pushRun(low, currentRunLength);
        mergeCollapse();
        low += currentRunLength;
        remaining -= currentRunLength;
      }
      mergeForceCollapse();
    }

    private static int computeMinRunLength(int nArg) {
      int n = nArg;
      int r = 0; // becomes 1 if any 1 bits are shifted off
      while (n >= 64) {
        r |= n & 1;
        n >>= 1;
      }
      return n + r;
    }

    private void pushRun(int base, int length) {
      if (stackSize == runBase.length) {
        runBase = java.util.Arrays.copyOf(runBase, stackSize * 2);
        runLength = java.util.Arrays.copyOf(runLength, stackSize * 2);
      }
      runBase[stackSize] = base;
      runLength[stackSize] = length;
      stackSize++;
    }

    /** [low, high) sorted by binary insertion; [low, startArg) is already sorted. */
    private void binaryInsertionSort(int low, int startArg, int high) {
      int start = low == startArg ? startArg + 1 : startArg;
      for (; start < high; ++start) {
        int left = low;
        int right = start;
        Object pivot = work[right];
        while (left < right) {
          int mid = left + ((right - left) >> 1);
          if (compare(pivot, work[mid]) < 0) {
            right = mid;
          } else {
            left = mid + 1;
          }
        }
        for (int p = start; p > left; --p) {
          work[p] = work[p - 1];
        }
        work[left] = pivot;
      }
    }

    /** Length of the run at lowArg (strictly descending runs are reversed). */
    private int countAndMakeRun(int lowArg, int high) {
      int low = lowArg + 1;
      if (low == high) {
        return 1;
      }
      int runLen = 2;
      Object elementLow = work[low];
      Object elementLowPred = work[low - 1];
      boolean isDescending = compare(elementLow, elementLowPred) < 0;
      Object previousElement = elementLow;
      for (int idx = low + 1; idx < high; ++idx) {
        Object currentElement = work[idx];
        int order = compare(currentElement, previousElement);
        if (isDescending) {
          if (order >= 0) {
            break;
          }
        } else if (order < 0) {
          break;
        }
        previousElement = currentElement;
        ++runLen;
      }
      if (isDescending) {
        reverseRange(lowArg, lowArg + runLen);
      }
      return runLen;
    }

    private void reverseRange(int from, int to) {
      int low = from;
      int high = to - 1;
      while (low < high) {
        Object elementLow = work[low];
        work[low++] = work[high];
        work[high--] = elementLow;
      }
    }

    private boolean runInvariantEstablished(int n) {
      if (n < 2) {
        return true;
      }
      return runLength[n - 2] > runLength[n - 1] + runLength[n];
    }

    private void mergeCollapse() {
      while (stackSize > 1) {
        int n = stackSize - 2;
        if (!runInvariantEstablished(n + 1) || !runInvariantEstablished(n)) {
          if (runLength[n - 1] < runLength[n + 1]) {
            --n;
          }
          mergeAt(n);
        } else if (runLength[n] <= runLength[n + 1]) {
          mergeAt(n);
        } else {
          break;
        }
      }
    }

    private void mergeForceCollapse() {
      while (stackSize > 1) {
        int n = stackSize - 2;
        if (n > 0 && runLength[n - 1] < runLength[n + 1]) {
          --n;
        }
        mergeAt(n);
      }
    }

    private void mergeAt(int i) {
      int baseA = runBase[i];
      int lengthA = runLength[i];
      int baseB = runBase[i + 1];
      int lengthB = runLength[i + 1];
      runLength[i] = lengthA + lengthB;
      if (i == stackSize - 3) {
        runBase[i + 1] = runBase[i + 2];
        runLength[i + 1] = runLength[i + 2];
      }
      stackSize--;
      // Where does b start in a? Elements in a before that are already in place.
      int k = merge.gallopRight(work, work[baseB], baseA, lengthA, 0);
      baseA += k;
      lengthA -= k;
      if (lengthA == 0) {
        return;
      }
      // Where does a end in b? Elements in b after that are already in place.
      lengthB = merge.gallopLeft(work, work[baseA + lengthA - 1], baseB, lengthB, lengthB - 1);
      if (lengthB == 0) {
        return;
      }
      if (lengthA <= lengthB) {
        merge.mergeLow(baseA, lengthA, baseB, lengthB);
      } else {
        merge.mergeHigh(baseA, lengthA, baseB, lengthB);
      }
    }
  }
}
