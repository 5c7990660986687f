/** SVG → PNG with resvg, on libuv's thread pool so the event loop keeps serving. */
import { renderAsync } from '@resvg/resvg-js';

const DEFAULT_FONT_FAMILY = 'DejaVu Sans';

export interface Png {
  data: Buffer;
  width: number;
  height: number;
}

export interface PngOptions {
  /** Font files to draw text with; empty = the system's fonts. */
  fontFiles: readonly string[];
}

export async function svgToPng(svg: string, { fontFiles }: PngOptions, signal?: AbortSignal): Promise<Png> {
  const image = await renderAsync(
    svg,
    {
      background: '#ffffff',
      fitTo: { mode: 'original' },
      font: {
        ...(fontFiles.length > 0 ? { loadSystemFonts: false, fontFiles: [...fontFiles] } : { loadSystemFonts: true }),
        // Text whose family resvg cannot match falls back to this, not to whichever font it found first.
        defaultFontFamily: DEFAULT_FONT_FAMILY,
        sansSerifFamily: DEFAULT_FONT_FAMILY,
      },
      logLevel: 'off',
    },
    signal ?? null,
  );
  return { data: image.asPng(), width: image.width, height: image.height };
}
