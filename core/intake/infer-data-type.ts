// The data type step: text when free-text columns carry the signal, a time series when dated rows are to be
// forecast, tabular otherwise.
import type { DataProfile, DataType } from '../types.ts';
import { joinNames, normalizeName } from './column-names.ts';
import { type Inferred, inferred, stated } from './inference.ts';
import type { Stated } from './stated-fields.ts';

const TEXT_WORDS =
  /\b(text|texts|message|messages|sms|review|reviews|summar(?:y|ies)|essays?|comments?|tweets?|sentences?|documents?|e-?mails?|articles?|descriptions?|nlp)\b/i;
const TIME_WORDS =
  /\b(forecast\w*|time[\s-]series|hourly|daily|weekly|monthly|yearly|over time|future|next \w+ (?:hours?|days?|weeks?|months?)|final (?:period|days?)|trend|(?:each|every|per) (?:hour|day|week|month|year)(?:'s)?)\b/i;

function dateParts(columns: string[]): string[] {
  return columns.filter((c) =>
    /^(year|month|day|hour|minute|date|time|datetime|timestamp|week|weekday|dayofweek)$/i.test(
      normalizeName(c).replace(/ /g, ''),
    ),
  );
}

/** The data type the user named, else the one the features and the text point to. */
export function inferDataType(
  text: string,
  profile: DataProfile,
  targets: string[],
  idColumn: string,
  named: Stated<DataType> | undefined,
): Inferred<DataType> {
  if (named) return stated(named.value, named.said);
  const features = profile.columns.filter((c) => !targets.includes(c.name) && c.name !== idColumn);
  const textColumns = features.filter((c) => c.kind === 'text');
  const informative = features.filter((c) => c.kind !== 'constant' && c.kind !== 'id');
  if (textColumns.length > 0 && (TEXT_WORDS.test(text) || informative.length <= textColumns.length + 2)) {
    return inferred(
      'text',
      `The data is text: ${joinNames(textColumns.map((c) => c.name))} holds free text.`,
    );
  }
  const dates = features.filter((c) => c.kind === 'datetime').map((c) => c.name);
  const parts = dateParts(features.map((c) => c.name));
  if ((dates.length > 0 || parts.length >= 2) && TIME_WORDS.test(text)) {
    return inferred(
      'time series',
      `The data is a time series: ordered by ${joinNames(dates.length > 0 ? dates : parts)}.`,
    );
  }
  return stated('tabular');
}
