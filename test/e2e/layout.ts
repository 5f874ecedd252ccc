import { expect, type Page } from "@playwright/test";

/**
 * Everything on the page fits its width: no element sticks out past the viewport's right edge, and no element's
 * content is wider than its box (a scroll container hiding a cut-off column counts as overflow too).
 */
export async function expectNoHorizontalOverflow(page: Page, what: string): Promise<void> {
  const offenders = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const describe = (element: Element) => {
      const id = element.getAttribute("data-testid");
      return `${element.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ""}${element.className && typeof element.className === "string" ? `.${element.className.split(" ").join(".")}` : ""}`;
    };
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width) found.push(`the page is ${document.documentElement.scrollWidth - width} px too wide`);
    for (const element of Array.from(document.querySelectorAll("body *"))) {
      const style = getComputedStyle(element);
      if (style.display === "none" || style.visibility === "hidden" || style.position === "fixed") continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      // Visually hidden helpers are 1 px boxes by design.
      if (element.classList.contains("visually-hidden") || element.classList.contains("skip-link")) continue;
      if (box.right > width + 1) found.push(`${describe(element)} ends at ${Math.round(box.right)} px of ${width}`);
      else if (element.scrollWidth > element.clientWidth + 1 && style.overflowX !== "visible" && element.clientWidth > 0) {
        found.push(`${describe(element)} holds ${element.scrollWidth} px in ${element.clientWidth}`);
      }
    }
    return found.slice(0, 10);
  });
  expect(offenders, `horizontal overflow on ${what}`).toEqual([]);
}

/** The live charts' time axes: every tick inside the window the chart shows, labelled as a clock time. */
export async function expectClockAxes(page: Page): Promise<void> {
  const axes = await page.locator("figure[data-x-window]").evaluateAll((figures) =>
    figures.map((figure) => ({
      window: JSON.parse(figure.getAttribute("data-x-window")!) as [number, number],
      ticks: JSON.parse(figure.getAttribute("data-x-ticks")!) as number[],
      labels: JSON.parse(figure.getAttribute("data-x-labels")!) as string[],
    })),
  );
  expect(axes.length, "both live charts have drawn a time axis").toBeGreaterThanOrEqual(2);
  for (const axis of axes) {
    expect(axis.window[1] - axis.window[0], "a window of minutes, not years").toBeLessThan(6 * 3600);
    expect(axis.ticks.length).toBeGreaterThan(0);
    for (const tick of axis.ticks) {
      expect(tick).toBeGreaterThanOrEqual(axis.window[0]);
      expect(tick).toBeLessThanOrEqual(axis.window[1]);
    }
    for (const label of axis.labels) expect(label).toMatch(/^\d\d:\d\d(:\d\d)?$/);
  }
}
