/**
 * Code page 437, the IBM PC's and MS-DOS's character set, which old point-of-sale and accounting
 * exports still write. Node's TextDecoder (WHATWG encodings) does not know it. Bytes 0x00–0x7F
 * are ASCII; this string holds the characters of bytes 0x80–0xFF, in order, as Unicode maps them
 * (unicode.org's CP437.TXT: the box drawing, Greek and maths characters; 0xFF is a no-break space).
 */
export const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** Every byte is a character in cp437: decoding never fails. */
export function decodeCp437(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return text;
}
