import { useMemo } from "react";
import { renderSVG } from "uqr";

/**
 * A QR code as an <img> with an SVG data URL: the page's CSP allows data: images but no inline markup styles, and an
 * image keeps the code black on white in the dark theme too, which phone cameras need.
 */
export function QrCode({ value, label }: { value: string; label: string }) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(value, { border: 2, ecc: "M" }))}`, [value]);
  return <img className="qr" src={src} alt={label} />;
}
