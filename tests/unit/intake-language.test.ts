// Tasks in French, Spanish, German and Portuguese read through their English gloss: the language detected, words
// stemmed with that language's Snowball stemmer, accents folded, metric words and phrases known; English untouched.
import { describe, expect, it } from 'vitest';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';
import { foldAccents, readTask, snowballStemmer, taskLanguage } from '../../core/intake/task-language.ts';
import { suiteFile } from '../helpers/datasets.ts';
import { PLAIN_WORDS_TASKS } from '../helpers/plain-words-tasks.ts';

describe('readTask', () => {
  it('leaves every English phrasing of the fixture as it is', () => {
    for (const t of PLAIN_WORDS_TASKS)
      expect(readTask(t.text), t.text).toEqual({ language: 'en', text: t.text });
  });

  it('reads the metric words of French, Spanish, German and Portuguese', () => {
    const cases: [string, string][] = [
      [
        'Prédire le prix de chaque maison. Métrique : racine de l’erreur quadratique moyenne.',
        'root mean squared error',
      ],
      ['Estimer l’âge de chaque crabe; évalué par l’erreur absolue moyenne.', 'mean absolute error'],
      ['Predecir el precio de cada casa. Métrica: error cuadrático medio.', 'mean squared error'],
      ['Predecir si el cliente abandona el banco, con la exactitud como métrica.', 'accuracy'],
      [
        'Vorhersage des Alters jeder Krabbe, bewertet mit dem mittleren absoluten Fehler.',
        'mean absolute error',
      ],
      ['Sage vorher, ob der Kunde die Bank verlässt. Metrik: Genauigkeit', 'accuracy'],
      ['Prever o preço de cada casa. Métrica: raiz do erro quadrático médio', 'root mean squared error'],
      [
        'Prever se a transação é fraudulenta, avaliado pela área sob a curva ROC.',
        'area under the curve roc',
      ],
    ];
    for (const [text, metric] of cases) {
      const read = readTask(text);
      expect(read.language, text).not.toBe('en');
      expect(read.text, text).toContain(metric);
    }
  });

  it('splits German compounds into words it knows, and keeps the file’s column names as written', () => {
    expect(readTask('Vorhersage des Verkaufspreises jedes Hauses, Metrik: RMSE').text).toBe(
      'prediction of the sale price each house, metric: rmse',
    );
    // `Preis` is a column: "Ziel: Preis" names it, not the English word.
    expect(readTask('Vorhersage des Preises jedes Hauses. Ziel: Preis', ['Preis', 'Fläche']).text).toContain(
      'Preis',
    );
  });

  it('folds accents and stems per language', () => {
    expect(foldAccents('Métrique Größe ação')).toBe('metrique grosse acao');
    expect(snowballStemmer('german').stem('verkaufspreises')).toBe('verkaufspreis');
    expect(snowballStemmer('spanish').stem('clientes')).toBe('client');
    expect(taskLanguage('Wie alt ist die Krabbe?')).toBe('de');
    expect(taskLanguage('RMSE')).toBe('en');
  });
});

describe('intake in other languages', () => {
  const crab = suiteFile('crab_age', 'CrabAgePrediction.csv');

  it('understands a task and a correction in the thread, and says how it read them', async () => {
    const { spec } = await intakeTask(
      {
        text: 'Prever a idade do caranguejo a partir das medidas. Métrica: erro absoluto médio.',
        files: [crab],
      },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(spec.targets).toEqual(['Age']);
    expect(spec.metric).toBe('mae');
    expect(spec.reasons.language).toMatch(
      /^The task is in Portuguese; it was read as “predict .* mean absolute error\.”\.$/,
    );
    const corrected = await intakeTask(
      {
        text: 'Predict the diameter of each crab. RMSE.',
        files: [crab],
        notes: ['Nein, ich möchte wissen, wie alt die Krabbe ist.'],
      },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(corrected.spec.targets).toEqual(['Age']);
  });
});
