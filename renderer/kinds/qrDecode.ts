/**
 * QR decoding of camera frames with @zxing/library's QRCodeReader. The
 * library is loaded on first use (its own chunk), so the counter screen does
 * not carry it until a clerk opens the camera. The decoder takes a grey
 * picture (one byte per pixel), which a canvas frame gives through
 * luminanceOf, and a test can build without any DOM.
 */
type Zxing = typeof import('@zxing/library');

let loading: Promise<Zxing> | null = null;
const zxing = (): Promise<Zxing> => (loading ??= import('@zxing/library'));

/** RGBA pixels (a canvas's ImageData) → luminance, ITU-R BT.601 weights in integers. */
export function luminanceOf(rgba: Uint8ClampedArray, width: number, height: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) out[i] = (rgba[j]! * 306 + rgba[j + 1]! * 601 + rgba[j + 2]! * 117) >> 10;
  return out;
}

export interface QrDecoder {
  /** The code's text, or null when the picture holds no readable QR code. */
  decode(luminance: Uint8ClampedArray, width: number, height: number): string | null;
}

export async function createQrDecoder(): Promise<QrDecoder> {
  const z = await zxing();
  const reader = new z.QRCodeReader();
  // NBS IPS QR is UTF-8 (tag C:1); without the hint a code without an ECI marker may be read as Latin-1.
  const hints = new Map<number, unknown>([
    [z.DecodeHintType.CHARACTER_SET, 'UTF-8'],
    [z.DecodeHintType.TRY_HARDER, true],
  ]);
  return {
    decode(luminance, width, height) {
      try {
        const bitmap = new z.BinaryBitmap(new z.HybridBinarizer(new z.RGBLuminanceSource(luminance, width, height)));
        return reader.decode(bitmap, hints as Map<never, unknown>).getText();
      } catch (e) {
        if (e instanceof z.NotFoundException || e instanceof z.ChecksumException || e instanceof z.FormatException) return null;
        throw e;
      } finally {
        reader.reset();
      }
    },
  };
}
