/**
 * Peak memory bandwidth (GB/s) of common GPUs, from the vendors' spec sheets. Token generation reads every weight
 * once per token, so this, not compute, sets how fast a model that fits can generate. Patterns are tried in order
 * (more specific names first) against the lowercased model name systeminformation reports.
 */
const GPU_BANDWIDTH_GBPS: Array<[RegExp, number]> = [
  // NVIDIA data centre
  [/h200/, 4800], [/h100.*(sxm|hbm3)/, 3350], [/h100/, 2000], [/a100.*80/, 2039], [/a100/, 1555],
  [/l40s?\b/, 864], [/\bl4\b/, 300], [/\ba40\b/, 696], [/\ba10\b/, 600], [/\bt4\b/, 320], [/v100/, 900],
  [/p100/, 732], [/p40\b/, 347],
  // NVIDIA workstation
  [/rtx 6000 ada/, 960], [/rtx a6000|\ba6000\b/, 768], [/\ba5000\b/, 768], [/\ba4000\b/, 448],
  // GeForce 50 / 40 / 30 / 20 / 16 / 10 series
  [/5090/, 1792], [/5080/, 960], [/5070 ti/, 896], [/5070/, 672],
  [/4090/, 1008], [/4080 super/, 736], [/4080/, 717], [/4070 ti super/, 672], [/4070 ti/, 504], [/4070/, 504],
  [/4060 ti/, 288], [/4060/, 272],
  [/3090 ti/, 1008], [/3090/, 936], [/3080 ti/, 912], [/3080/, 760], [/3070 ti/, 608], [/3070/, 448],
  [/3060 ti/, 448], [/3060/, 360], [/3050/, 224],
  [/2080 ti/, 616], [/2080 super/, 496], [/2080/, 448], [/2070/, 448], [/2060 super/, 448], [/2060/, 336],
  [/1660 super/, 336], [/1660 ti/, 288], [/1660/, 192],
  [/1080 ti/, 484], [/1080/, 320], [/1070/, 256], [/1060/, 192],
  // AMD
  [/mi300x/, 5300], [/mi250x/, 3277], [/mi100/, 1229],
  [/7900 xtx/, 960], [/7900 xt\b/, 800], [/7900 gre/, 576], [/7800 xt/, 624], [/7700 xt/, 432], [/rx 7600/, 288],
  [/6950 xt/, 576], [/6900 xt/, 512], [/6800 xt/, 512], [/rx 6800/, 512], [/6750 xt/, 432], [/6700 xt/, 384],
  [/6650 xt/, 280], [/6600 xt/, 256], [/rx 6600/, 224], [/5700 xt/, 448], [/radeon vii/, 1024], [/vega 64/, 484],
  [/rx 580/, 256], [/rx 570/, 224],
  // Intel Arc
  [/a770/, 560], [/a750/, 512], [/b580/, 456],
  // Apple silicon (unified memory: the GPU and CPU share this bandwidth)
  [/m1 ultra/, 800], [/m1 max/, 400], [/m1 pro/, 200], [/\bm1\b/, 68],
  [/m2 ultra/, 800], [/m2 max/, 400], [/m2 pro/, 200], [/\bm2\b/, 100],
  [/m3 max/, 400], [/m3 pro/, 150], [/\bm3\b/, 100],
  [/m4 max/, 546], [/m4 pro/, 273], [/\bm4\b/, 120],
];

/** What an unknown discrete GPU is assumed to reach: a mid-range card's figure, to stay on the cautious side. */
export const ASSUMED_GPU_BANDWIDTH_GBPS = 300;
/** Dual-channel DDR4-3200 peaks at 51 GB/s; typical desktops measure around 40. */
export const ASSUMED_CPU_BANDWIDTH_GBPS = 40;

export function gpuBandwidthGBps(modelName: string): number | null {
  const name = modelName.toLowerCase().replace(/\s+/g, " ");
  for (const [pattern, gbps] of GPU_BANDWIDTH_GBPS) if (pattern.test(name)) return gbps;
  return null;
}
