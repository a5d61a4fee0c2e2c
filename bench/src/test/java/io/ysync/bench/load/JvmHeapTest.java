package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JvmHeapTest {
  @Test
  void usedKib_parallelGc_sumsYoungAndOld() {
    String info = """
        PSYoungGen      total 113152K, used 648K [0x0000000782700000, 0x000000078a500000, 0x0000000800000000)
         eden space 97280K, 0% used [0x0000000782700000,0x00000007827a2238,0x0000000788600000)
        ParOldGen       total 258048K, used 14653K [0x0000000687400000, 0x0000000697000000, 0x0000000782700000)
         object space 258048K, 5% used [0x0000000687400000,0x000000068824f520,0x0000000697000000)
        """;
    assertEquals(648 + 14653, JvmHeap.usedKib(info));
  }

  @Test
  void usedKib_g1_readsTheWholeHeapLine() {
    String info = """
        garbage-first heap   total reserved 6172672K, committed 393216K, used 11225K [0x0000000687400000, 0x0000000800000000)
         region size 4096K, 3 young (12288K), 1 survivors (4096K)
        """;
    assertEquals(11225, JvmHeap.usedKib(info));
  }

  @Test
  void usedKib_noGenerationLine_isMinusOne() {
    assertEquals(-1, JvmHeap.usedKib("13329:\ncommand not supported\n"));
  }
}
