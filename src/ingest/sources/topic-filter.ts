/** MQTT topic filters (MQTT 3.1.1 §4.7): checked where a territory file or a mapping names one. */
/**
 * Why an MQTT topic filter is not valid (MQTT 3.1.1 §4.7), or undefined: checked when a territory file
 * or a mapping is loaded, since a broker refuses an invalid filter, and a client that renews every
 * subscription in one SUBSCRIBE at reconnect would lose them all.
 * @example topicFilterProblem('x/#/y') // "'#' must be the whole last level"
 */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter === '') return 'is empty';
  if (Buffer.byteLength(filter) > 65535) return 'is longer than 65,535 bytes';
  if (filter.includes('\u0000')) return 'contains a NUL character';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return "'#' must be the whole last level";
    if (l.includes('+') && l !== '+') return "'+' must be a whole level";
  }
  return undefined;
}

/**
 * Whether some topic matches both filters (both valid): a message on it goes to the subscription
 * that comes first, so a broad filter added later silently takes nothing, and one added earlier takes all.
 * @example filtersOverlap('bins/#', 'bins/+/up') // true
 */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; ; i++) {
    if (x[i] === '#' || y[i] === '#') return true; // '#' also matches the parent level
    if (i === x.length || i === y.length) return x.length === y.length || x[i] === '#' || y[i] === '#';
    if (x[i] !== '+' && y[i] !== '+' && x[i] !== y[i]) return false;
  }
}
