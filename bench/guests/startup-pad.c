/*
 * startup-pad.c — grows http-hello to a ~200 KB guest of real code for the start-up workload
 * (bench/workloads/startup.ts): PAD_FUNCS small distinct functions that the engine must
 * validate and compile like any other code, reachable from one function table, so the linker
 * keeps them. They never run unless BENCH_PAD_RUN is set in the environment (a smoke check that
 * they are real code); main() then goes on to the example's main, compiled as guest_main
 * (-Dmain=guest_main). Built by bench/build-guests.sh with debug info stripped, so the size is
 * code, not DWARF.
 */
#include <stdio.h>
#include <stdlib.h>

int guest_main(void);

/* One function per 4-digit base-4 number n, each with its own constants (no two alike). */
#define F(n)                                                            \
  __attribute__((noinline)) static unsigned pad_##n(unsigned x) {       \
    unsigned k = 1##n##u;                                               \
    for (unsigned i = 0; i < (x & 15u); i++) {                          \
      x ^= x << 13;                                                     \
      x ^= x >> 17;                                                     \
      x = x * (k | 1u) + (k >> (i & 7u));                               \
      if (x % (k + 3u) == 7u) x += k * 31u;                             \
    }                                                                   \
    return x ^ k;                                                       \
  }
#define F4(n) F(n##0) F(n##1) F(n##2) F(n##3)
#define F16(n) F4(n##0) F4(n##1) F4(n##2) F4(n##3)
#define F64(n) F16(n##0) F16(n##1) F16(n##2) F16(n##3)
#define F256(n) F64(n##0) F64(n##1) F64(n##2) F64(n##3)

#define R(n) pad_##n,
#define R4(n) R(n##0) R(n##1) R(n##2) R(n##3)
#define R16(n) R4(n##0) R4(n##1) R4(n##2) R4(n##3)
#define R64(n) R16(n##0) R16(n##1) R16(n##2) R16(n##3)
#define R256(n) R64(n##0) R64(n##1) R64(n##2) R64(n##3)

/* 6 × 256 = 1536 functions (prefixes 10..15 keep the literals decimal and distinct). */
F256(0) F256(1) F256(2) F256(3) F256(4) F256(5)

static unsigned (*const pads[])(unsigned) = {R256(0) R256(1) R256(2) R256(3) R256(4) R256(5)};
#define PAD_FUNCS (sizeof pads / sizeof *pads)

int main(void) {
  if (getenv("BENCH_PAD_RUN")) {
    unsigned x = 1;
    for (unsigned i = 0; i < PAD_FUNCS; i++) x = pads[i](x + i);
    fprintf(stderr, "startup-pad: %u functions, checksum %u\n", (unsigned)PAD_FUNCS, x);
  }
  return guest_main();
}
