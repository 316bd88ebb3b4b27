/** Serbian Cyrillic → Serbian Latin, letter for letter (Љ→Lj, or LJ inside a word in capitals). */
const MAP: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ђ: 'đ', е: 'e', ж: 'ž', з: 'z', и: 'i', ј: 'j', к: 'k', л: 'l', љ: 'lj', м: 'm',
  н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't', ћ: 'ć', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'č', џ: 'dž', ш: 'š',
};

function isUpper(ch: string | undefined): boolean {
  return ch !== undefined && ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

export function cyrToLat(text: string): string {
  let out = '';
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const lower = ch.toLowerCase();
    const lat = MAP[lower];
    if (lat === undefined) {
      out += ch;
      continue;
    }
    if (ch === lower) {
      out += lat;
      continue;
    }
    // Capital: a digraph is all capitals when a neighbour is a capital too ("ЉУБАВ" → "LJUBAV").
    const allCaps = lat.length > 1 && (isUpper(chars[i + 1]) || (isUpper(chars[i - 1]) && !isUpper(chars[i + 1]) && chars[i + 1] === undefined));
    out += allCaps ? lat.toUpperCase() : lat.charAt(0).toUpperCase() + lat.slice(1);
  }
  return out;
}
