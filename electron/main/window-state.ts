import { readFileSync } from "node:fs";
import { z } from "zod";
import { writeFileAtomic } from "../core/runtime/atomic-file.js";
import { dataDirLayout } from "../core/runtime/data-dir.js";

const Bounds = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(200).max(100_000),
});
export type Bounds = z.infer<typeof Bounds>;

const WindowState = z.object({ bounds: Bounds, maximized: z.boolean() });
export type WindowState = z.infer<typeof WindowState>;

/** Where each display can show windows (Electron's screen.getAllDisplays()[].workArea). */
export type WorkArea = Bounds;

/** The saved window state from the data folder, or null when there is none or it is unreadable. */
export function loadWindowState(dataDir: string): WindowState | null {
  try {
    const parsed = WindowState.safeParse(JSON.parse(readFileSync(dataDirLayout(dataDir).desktop.windowState, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  writeFileAtomic(dataDirLayout(dataDir).desktop.windowState, JSON.stringify(state) + "\n", 0o600);
}

/**
 * The bounds to open with: the saved ones when some display still shows at least 100 px of the window's title bar,
 * nearly its full height (so it can be grabbed and moved), clamped to that display's size; otherwise null (the
 * default size, centred). A monitor unplugged since the last run must not leave the window off screen.
 */
export function restorableBounds(saved: WindowState | null, displays: readonly WorkArea[]): Bounds | null {
  if (!saved) return null;
  const { bounds } = saved;
  const area = displays.find(
    (display) =>
      overlap(bounds.x, bounds.width, display.x, display.width) >= 100 &&
      overlap(bounds.y, TITLE_BAR_PX, display.y, display.height) >= TITLE_BAR_PX - 10,
  );
  if (!area) return null;
  return { ...bounds, width: Math.min(bounds.width, area.width), height: Math.min(bounds.height, area.height) };
}

const TITLE_BAR_PX = 30;

/** Length of the overlap of [a, a + aLength) and [b, b + bLength). */
function overlap(a: number, aLength: number, b: number, bLength: number): number {
  return Math.max(0, Math.min(a + aLength, b + bLength) - Math.max(a, b));
}
