// How the bench configures its PyTorch peer for this CPU: OpenBLAS's own core detection unless it is wrong here
// (an AVX-512 Intel CPU it takes for an older core: force SkylakeX), or unless layerwise is forced to AVX2 on an
// AVX-512 host (then Haswell, so both sides run AVX2 kernels; Prescott's SSE kernels for a forced baseline).
// Never forces a core the CPU cannot run.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

export const PY = '/usr/bin/python3';

/** OpenBLAS cores whose kernels use AVX-512 (0.3.21's names). */
const AVX512_CORES = new Set(['SkylakeX', 'Cooperlake', 'SapphireRapids']);

export interface TorchConfig {
  /** Extra environment for the PyTorch process. */
  env: Record<string, string>;
  /** One line saying what was chosen and why. */
  note: string;
}

/** The core OpenBLAS picks by itself here, or null when PyTorch's BLAS is not OpenBLAS (or Python fails). */
export function detectedOpenblasCore(): string | null {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  const probe = 'import ctypes\nlib = ctypes.CDLL("libblas.so.3")\nlib.openblas_get_corename.restype = ctypes.c_char_p\n' +
    'print(lib.openblas_get_corename().decode())';
  const r = spawnSync(PY, ['-c', probe], { encoding: 'utf8', env, timeout: 30_000 });
  const core = r.status === 0 ? r.stdout.trim() : '';
  return core.length > 0 ? core : null;
}

/**
 * The PyTorch peer's configuration. `layerwiseIsa` is the path layerwise runs, `hostIsas` the paths the CPU runs
 * (native backend's supportedIsas). OPENBLAS_CORETYPE set by the user always wins; BENCH_TORCH_MATCH_ISA=0 keeps
 * OpenBLAS's choice when layerwise is forced below the host's best ISA.
 */
export function torchConfig(layerwiseIsa: string | undefined, hostIsas: readonly string[]): TorchConfig {
  const env: Record<string, string> = { OMP_WAIT_POLICY: 'PASSIVE' };
  const user = process.env.OPENBLAS_CORETYPE;
  const detected = detectedOpenblasCore();
  if (user) {
    // An environment may set it for other software (this project's machines have had Haswell set on AVX-512 hosts).
    const own = detected !== null && detected.toLowerCase() !== user.toLowerCase() ? `; OpenBLAS alone picks ${detected}: unset it for its own choice` : '';
    return { env: { ...env, OPENBLAS_CORETYPE: user }, note: `OPENBLAS_CORETYPE=${user} (set by the user${own})` };
  }
  if (detected === null) return { env, note: 'PyTorch BLAS is not OpenBLAS (no core override)' };
  const avx512Host = hostIsas.includes('avx512');
  if (layerwiseIsa === 'avx2' && avx512Host && process.env.BENCH_TORCH_MATCH_ISA !== '0') {
    return {
      env: { ...env, OPENBLAS_CORETYPE: 'Haswell' },
      note: `OPENBLAS_CORETYPE=Haswell (AVX2 kernels, to match layerwise forced to avx2 on this AVX-512 host; ` +
        `OpenBLAS alone picks ${detected}: BENCH_TORCH_MATCH_ISA=0 keeps it)`,
    };
  }
  if (layerwiseIsa === 'baseline' && hostIsas.length > 1 && process.env.BENCH_TORCH_MATCH_ISA !== '0') {
    return {
      env: { ...env, OPENBLAS_CORETYPE: 'Prescott' },
      note: `OPENBLAS_CORETYPE=Prescott (SSE kernels, to match layerwise forced to its SSE2 baseline on this ` +
        `${hostIsas[0]} host; OpenBLAS alone picks ${detected}: BENCH_TORCH_MATCH_ISA=0 keeps it)`,
    };
  }
  const intel = /intel/i.test(cpus()[0]?.model ?? '');
  if (avx512Host && intel && !AVX512_CORES.has(detected)) {
    return {
      env: { ...env, OPENBLAS_CORETYPE: 'SkylakeX' },
      note: `OPENBLAS_CORETYPE=SkylakeX (this OpenBLAS takes this AVX-512 Intel CPU for ${detected})`,
    };
  }
  return { env, note: `OpenBLAS core ${detected} as detected (no override)` };
}
