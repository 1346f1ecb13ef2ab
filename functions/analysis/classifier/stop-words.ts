/**
 * English function words, dropped before features are built: they occur in every kind of need, so
 * they only add weight to rows without telling types apart. English only, because Orderly's needs
 * may be in any language and a word list per language would have to guess the language first;
 * other languages' function words are still damped by the idf (they occur in many needs) rather
 * than dropped.
 *
 * Negations are NOT stop words (unlike in many lists): "not working", "doesnt start" and "no
 * delivery" are what tells a repair or a complaint from a plain request. Contractions are listed
 * without their apostrophe, as the tokenizer writes them, except those that are words of their own
 * once it is gone (well, shed, ill, id, wed).
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being
  below between both but by can could did do does doing down during each either else ever few for
  from further had has have having he her here hers herself him himself his how however i if in into
  is it its itself just let me more most my myself of off on once only or other ought our ours
  ourselves out over own per same she should so some such than that the their theirs them themselves
  then there these they this those through thus to too under until up upon us very was we were what
  when where which while who whom whose why will with within would yet you your yours yourself
  yourselves
  hes im ive lets shes thats theres theyd theyll theyre theyve weve whats wheres whos youd youll
  youre youve`
    .split(/\s+/)
    .filter(Boolean),
);
