// Writes a small YUV4MPEG2 clip of one solid colour, used as a browser's fake camera so a test can
// tell whose picture each side decodes.
import { writeFileSync } from 'node:fs';

// RGB → BT.601 limited-range YUV.
function yuv([r, g, b]) {
  const y = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  const u = Math.round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255);
  const v = Math.round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255);
  return [y, u, v];
}

export function writeClip(path, rgb, { width = 640, height = 480, fps = 30, frames = 30 } = {}) {
  const [y, u, v] = yuv(rgb);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const frameHeader = Buffer.from('FRAME\n');
  const ySize = width * height, cSize = (width / 2) * (height / 2);
  const frame = Buffer.alloc(ySize + 2 * cSize);
  frame.fill(y, 0, ySize);
  frame.fill(u, ySize, ySize + cSize);
  frame.fill(v, ySize + cSize);
  const parts = [header];
  for (let i = 0; i < frames; i += 1) parts.push(frameHeader, frame);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}
