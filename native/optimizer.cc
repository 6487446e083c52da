// Driver of the sgd/adam/rmsprop updates: all parameters of a call split over the thread pool (the per-element
// update is the active ISA's optimizerStep).
#include <algorithm>

#include "isa.h"
#include "kernels.h"
#include "threadpool.h"

namespace lw {

void optimizerStepAll(int kind, const OptParam* params, long count, int nslots, const OptHyper& h) {
  long total = 0;
  for (long p = 0; p < count; p++) total += params[p].n;
  // Elements [e0, e1) of the parameters laid end to end; an element's update depends on that element only.
  const IsaKernels& k = isa();
  auto work = [&](long e0, long e1) {
    long base = 0;
    for (long p = 0; p < count && base < e1; base += params[p].n, p++) {
      const long lo = std::max(e0, base), hi = std::min(e1, base + params[p].n);
      if (lo >= hi) continue;
      const long off = lo - base;
      float* sub[4];
      for (int k = 0; k < nslots; k++) sub[k] = params[p].slots[k] + off;
      k.optimizerStep(kind, params[p].w + off, params[p].g + off, sub, nslots, hi - lo, h);
    }
  };
  ThreadPool& pool = ThreadPool::get();
  const long nth = pool.size();
  if (total < 32768 || nth == 1) {
    work(0, total);
    return;
  }
  // Chunks of whole cache lines so two threads never write the same line.
  const long lines = (total + 15) / 16;
  // Four chunks per thread: a worker preempted by another process then holds up a quarter of its share, not all
  // of it (measured under contention: 235 -> 122 us per W2 update; no change on a quiet machine).
  const long tasks = nth * TASKS_PER_THREAD;
  pool.run(static_cast<int>(tasks), [&](int t) {
    const long e0 = std::min(total, lines * t / tasks * 16), e1 = std::min(total, lines * (t + 1) / tasks * 16);
    if (e0 < e1) work(e0, e1);
  });
}

}  // namespace lw
