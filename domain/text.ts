/**
 * Folding text for search: Serbian Cyrillic to Latin, diacritics removed,
 * lower case, so "cigra", "Čigra" and "Чигра" find the same biller.
 */
const CYR_TO_LAT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ђ: 'dj', е: 'e', ж: 'z', з: 'z', и: 'i', ј: 'j', к: 'k', л: 'l', љ: 'lj', м: 'm',
  н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't', ћ: 'c', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'c', џ: 'dz', ш: 's',
};

export function foldForSearch(text: string): string {
  let out = '';
  for (const ch of text.toLowerCase()) out += CYR_TO_LAT[ch] ?? (ch === 'đ' ? 'dj' : ch);
  return out.normalize('NFD').replace(/\p{M}/gu, '');
}
