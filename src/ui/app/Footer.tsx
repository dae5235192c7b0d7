import { footerLine, type FooterMode } from './footer-line.js';
import { SegLine } from './SegLine.js';

export type { FooterMode } from './footer-line.js';

/** The keys that apply in the current view. */
export function Footer({ mode, width }: { mode: FooterMode; width: number }) {
  return <SegLine line={footerLine(mode, width)} width={width} />;
}
