#pragma once
// Measures this machine's limits, so benchmarks can report speeds as fractions
// of what the hardware can do rather than as bare numbers.
#include "kernels/cpu/thread_pool.h"

namespace podium {

struct MachineCeilings {
    double read_bandwidth_gbs = 0;  // GB/s streaming reads over a buffer far larger than cache
    double fma_gflops = 0;          // fp32 GFLOP/s of independent FMA chains (2 flops per lane),
                                    // at the SIMD level the kernels use
};

// Takes about a second. Uses every thread of `pool`.
MachineCeilings measure_machine_ceilings(ThreadPool& pool);

}  // namespace podium
