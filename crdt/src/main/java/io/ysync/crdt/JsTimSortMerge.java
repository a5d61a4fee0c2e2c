package io.ysync.crdt;

import java.util.Comparator;

/**
 * The merging half of {@link JsArraySort}: galloping searches and the merges of two adjacent runs, with the state
 * that persists across the merges of one sort ({@code minGallop}, the temp array). Behaviour-compatible with
 * V8's {@code GallopLeft}, {@code GallopRight}, {@code MergeLow} and {@code MergeHigh}
 * (third_party/v8/builtins/array-sort.tq).
 */
final class JsTimSortMerge {
  static final int MIN_GALLOP_WINS = 7;

  private final Comparator<Object> cmp;
  private final Object[] work;
  private Object[] temp = new Object[0];
  private int minGallop = MIN_GALLOP_WINS;

  JsTimSortMerge(Comparator<Object> cmp, Object[] work) {
    this.cmp = cmp;
    this.work = work;
  }

  private int compare(Object x, Object y) {
    return cmp.compare(x, y);
  }

  /** Offset k in 0..length with array[base + k - 1] < key <= array[base + k]. */
  int gallopLeft(Object[] array, Object key, int base, int length, int hint) {
    int lastOfs = 0;
    int offset = 1;
    if (compare(array[base + hint], key) < 0) {
      int maxOfs = length - hint;
      while (offset < maxOfs) {
        if (compare(array[base + hint + offset], key) >= 0) {
          break;
        }
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) {
          offset = maxOfs;
        }
      }
      if (offset > maxOfs) {
        offset = maxOfs;
      }
      lastOfs += hint;
      offset += hint;
    } else {
      int maxOfs = hint + 1;
      while (offset < maxOfs) {
        if (compare(array[base + hint - offset], key) < 0) {
          break;
        }
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) {
          offset = maxOfs;
        }
      }
      if (offset > maxOfs) {
        offset = maxOfs;
      }
      int tmp = lastOfs;
      lastOfs = hint - offset;
      offset = hint - tmp;
    }
    lastOfs++;
    while (lastOfs < offset) {
      int m = lastOfs + ((offset - lastOfs) >> 1);
      if (compare(array[base + m], key) < 0) {
        lastOfs = m + 1;
      } else {
        offset = m;
      }
    }
    return offset;
  }

  /** Offset k in 0..length with array[base + k - 1] <= key < array[base + k]. */
  int gallopRight(Object[] array, Object key, int base, int length, int hint) {
    int lastOfs = 0;
    int offset = 1;
    if (compare(key, array[base + hint]) < 0) {
      int maxOfs = hint + 1;
      while (offset < maxOfs) {
        if (compare(key, array[base + hint - offset]) >= 0) {
          break;
        }
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) {
          offset = maxOfs;
        }
      }
      if (offset > maxOfs) {
        offset = maxOfs;
      }
      int tmp = lastOfs;
      lastOfs = hint - offset;
      offset = hint - tmp;
    } else {
      int maxOfs = length - hint;
      while (offset < maxOfs) {
        if (compare(key, array[base + hint + offset]) < 0) {
          break;
        }
        lastOfs = offset;
        offset = (offset << 1) + 1;
        if (offset <= 0) {
          offset = maxOfs;
        }
      }
      if (offset > maxOfs) {
        offset = maxOfs;
      }
      lastOfs += hint;
      offset += hint;
    }
    lastOfs++;
    while (lastOfs < offset) {
      int m = lastOfs + ((offset - lastOfs) >> 1);
      if (compare(key, array[base + m]) < 0) {
        offset = m;
      } else {
        lastOfs = m + 1;
      }
    }
    return offset;
  }

  private Object[] tempArray(int size) {
    if (temp.length < size) {
      temp = new Object[size];
    }
    return temp;
  }

  /** Stable in-place merge of runs A and B (lengthA <= lengthB), left to right. */
  void mergeLow(int baseA, int lengthAArg, int baseB, int lengthBArg) {
    int lengthA = lengthAArg;
    int lengthB = lengthBArg;
    Object[] tmp = tempArray(lengthA);
    System.arraycopy(work, baseA, tmp, 0, lengthA);
    int dest = baseA;
    int cursorTemp = 0;
    int cursorB = baseB;
    work[dest++] = work[cursorB++];
    boolean copyB; // false: "Succeed", true: "CopyB"
    merge:
    {
      if (--lengthB == 0) {
        copyB = false;
        break merge;
      }
      if (lengthA == 1) {
        copyB = true;
        break merge;
      }
      int minGallop = this.minGallop;
      while (true) {
        int nofWinsA = 0; // # of times A won in a row
        int nofWinsB = 0; // # of times B won in a row
        while (true) {
          if (compare(work[cursorB], tmp[cursorTemp]) < 0) {
            work[dest++] = work[cursorB++];
            ++nofWinsB;
            --lengthB;
            nofWinsA = 0;
            if (lengthB == 0) {
              copyB = false;
              break merge;
            }
            if (nofWinsB >= minGallop) {
              break;
            }
          } else {
            work[dest++] = tmp[cursorTemp++];
            ++nofWinsA;
            --lengthA;
            nofWinsB = 0;
            if (lengthA == 1) {
              copyB = true;
              break merge;
            }
            if (nofWinsA >= minGallop) {
              break;
            }
          }
        }
        ++minGallop;
        boolean firstIteration = true;
        while (nofWinsA >= MIN_GALLOP_WINS || nofWinsB >= MIN_GALLOP_WINS || firstIteration) {
          firstIteration = false;
          minGallop = Math.max(1, minGallop - 1);
          this.minGallop = minGallop;
          nofWinsA = gallopRight(tmp, work[cursorB], cursorTemp, lengthA, 0);
          if (nofWinsA > 0) {
            System.arraycopy(tmp, cursorTemp, work, dest, nofWinsA);
            dest += nofWinsA;
            cursorTemp += nofWinsA;
            lengthA -= nofWinsA;
            if (lengthA == 1) {
              copyB = true;
              break merge;
            }
            // lengthA == 0 is impossible for a consistent comparator, but we can't assume that it is
            if (lengthA == 0) {
              copyB = false;
              break merge;
            }
          }
          work[dest++] = work[cursorB++];
          if (--lengthB == 0) {
            copyB = false;
            break merge;
          }
          nofWinsB = gallopLeft(work, tmp[cursorTemp], cursorB, lengthB, 0);
          if (nofWinsB > 0) {
            System.arraycopy(work, cursorB, work, dest, nofWinsB);
            dest += nofWinsB;
            cursorB += nofWinsB;
            lengthB -= nofWinsB;
            if (lengthB == 0) {
              copyB = false;
              break merge;
            }
          }
          work[dest++] = tmp[cursorTemp++];
          if (--lengthA == 1) {
            copyB = true;
            break merge;
          }
        }
        ++minGallop; // penalize it for leaving galloping mode
        this.minGallop = minGallop;
      }
    }
    if (copyB) {
      // The last element of run A belongs at the end of the merge.
      System.arraycopy(work, cursorB, work, dest, lengthB);
      work[dest + lengthB] = tmp[cursorTemp];
    } else if (lengthA > 0) {
      System.arraycopy(tmp, cursorTemp, work, dest, lengthA);
    }
  }

  /** Stable in-place merge of runs A and B (lengthA >= lengthB), right to left. */
  void mergeHigh(int baseA, int lengthAArg, int baseB, int lengthBArg) {
    int lengthA = lengthAArg;
    int lengthB = lengthBArg;
    Object[] tmp = tempArray(lengthB);
    System.arraycopy(work, baseB, tmp, 0, lengthB);
    int dest = baseB + lengthB - 1;
    int cursorTemp = lengthB - 1;
    int cursorA = baseA + lengthA - 1;
    work[dest--] = work[cursorA--];
    boolean copyA; // false: "Succeed", true: "CopyA"
    merge:
    {
      if (--lengthA == 0) {
        copyA = false;
        break merge;
      }
      if (lengthB == 1) {
        copyA = true;
        break merge;
      }
      int minGallop = this.minGallop;
      while (true) {
        int nofWinsA = 0;
        int nofWinsB = 0;
        while (true) {
          if (compare(tmp[cursorTemp], work[cursorA]) < 0) {
            work[dest--] = work[cursorA--];
            ++nofWinsA;
            --lengthA;
            nofWinsB = 0;
            if (lengthA == 0) {
              copyA = false;
              break merge;
            }
            if (nofWinsA >= minGallop) {
              break;
            }
          } else {
            work[dest--] = tmp[cursorTemp--];
            ++nofWinsB;
            --lengthB;
            nofWinsA = 0;
            if (lengthB == 1) {
              copyA = true;
              break merge;
            }
            if (nofWinsB >= minGallop) {
              break;
            }
          }
        }
        ++minGallop;
        boolean firstIteration = true;
        while (nofWinsA >= MIN_GALLOP_WINS || nofWinsB >= MIN_GALLOP_WINS || firstIteration) {
          firstIteration = false;
          minGallop = Math.max(1, minGallop - 1);
          this.minGallop = minGallop;
          int k = gallopRight(work, tmp[cursorTemp], baseA, lengthA, lengthA - 1);
          nofWinsA = lengthA - k;
          if (nofWinsA > 0) {
            dest -= nofWinsA;
            cursorA -= nofWinsA;
            System.arraycopy(work, cursorA + 1, work, dest + 1, nofWinsA);
            lengthA -= nofWinsA;
            if (lengthA == 0) {
              copyA = false;
              break merge;
            }
          }
          work[dest--] = tmp[cursorTemp--];
          if (--lengthB == 1) {
            copyA = true;
            break merge;
          }
          k = gallopLeft(tmp, work[cursorA], 0, lengthB, lengthB - 1);
          nofWinsB = lengthB - k;
          if (nofWinsB > 0) {
            dest -= nofWinsB;
            cursorTemp -= nofWinsB;
            System.arraycopy(tmp, cursorTemp + 1, work, dest + 1, nofWinsB);
            lengthB -= nofWinsB;
            if (lengthB == 1) {
              copyA = true;
              break merge;
            }
            // lengthB == 0 is impossible for a consistent comparator, but we can't assume that it is
            if (lengthB == 0) {
              copyA = false;
              break merge;
            }
          }
          work[dest--] = work[cursorA--];
          if (--lengthA == 0) {
            copyA = false;
            break merge;
          }
        }
        ++minGallop;
        this.minGallop = minGallop;
      }
    }
    if (copyA) {
      // The first element of run B belongs at the front of the merge.
      dest -= lengthA;
      cursorA -= lengthA;
      System.arraycopy(work, cursorA + 1, work, dest + 1, lengthA);
      work[dest] = tmp[cursorTemp];
    } else if (lengthB > 0) {
      System.arraycopy(tmp, 0, work, dest - (lengthB - 1), lengthB);
    }
  }
}
