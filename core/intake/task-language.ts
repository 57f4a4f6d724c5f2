// Tasks written in French, Spanish, German or Portuguese, read in English: the language is detected (tinyld), each
// word stemmed with that language's Snowball stemmer and its accents folded, and the words and phrases a task uses
// to ask for a prediction, list its inputs, name a metric or a common target are put in English; the rest (column
// names among them) stays as written. The inference reads that gloss as it reads an English task.
import { createRequire } from 'node:module';

export type TaskLanguage = 'en' | 'fr' | 'es' | 'de' | 'pt';
const GLOSSED: readonly TaskLanguage[] = ['fr', 'es', 'de', 'pt'];
const SNOWBALL: Record<Exclude<TaskLanguage, 'en'>, string> = {
  fr: 'french',
  es: 'spanish',
  de: 'german',
  pt: 'portuguese',
};

interface Stemmer {
  stem(word: string): string;
}
const require = createRequire(import.meta.url);
const stemmers = new Map<string, Stemmer>();
/** The Snowball stemmer of a language ('english', 'french', ...), made once. */
export function snowballStemmer(algorithm: string): Stemmer {
  let stemmer = stemmers.get(algorithm);
  if (!stemmer) {
    const snowball = require('snowball-stemmers') as { newStemmer(name: string): Stemmer };
    stemmer = snowball.newStemmer(algorithm);
    stemmers.set(algorithm, stemmer);
  }
  return stemmer;
}

/** Lower case without accents ("Métrique" → "metrique", "Größe" → "grosse"). */
export function foldAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss').toLowerCase();
}

/**
 * Each language's task words as "foreign phrase=english", the phrase as people write it (stemmed and folded when
 * read). Longer phrases win. General task vocabulary, not one data set's.
 */
const LEXICON: Record<Exclude<TaskLanguage, 'en'>, string[]> = {
  fr: [
    // Asking and inputs.
    'prédire=predict',
    'prédis=predict',
    'prédisez=predict',
    'prévoir=forecast',
    'prévision=forecast',
    'prédiction=prediction',
    'estimer=estimate',
    'estimation=estimate',
    'classer=classify',
    'classifier=classify',
    'détecter=detect',
    'deviner=guess',
    'savoir=know',
    'à partir de=from',
    'à partir des=from the',
    'en fonction de=given',
    'en utilisant=using',
    'grâce à=using',
    'selon=according to',
    'avec=with',
    'données=data',
    'combien de temps=how long',
    'combien=how much',
    'quel âge=how old',
    'quelle=what',
    'quel=what',
    'lequel=which',
    'lesquels=which',
    'si=whether',
    'chaque=each',
    'par=per',
    'est=is',
    'sont=are',
    'va=will',
    'vont=will',
    'et=and',
    'ou=or',
    'le=the',
    'la=the',
    'les=the',
    "l'=the",
    'un=a',
    'une=a',
    'de=of',
    'des=of the',
    'du=of the',
    'pour=for',
    // Metrics.
    'métrique=metric',
    'mesure=metric',
    'évaluation=metric',
    'évalué par=scored by',
    'racine de l’erreur quadratique moyenne=root mean squared error',
    "racine de l'erreur quadratique moyenne=root mean squared error",
    'erreur quadratique moyenne=mean squared error',
    'erreur absolue moyenne=mean absolute error',
    'erreur absolue moyenne en pourcentage=mean absolute percentage error',
    'erreur logarithmique=log error',
    'perte logarithmique=log loss',
    'aire sous la courbe=area under the curve',
    'courbe roc=roc curve',
    'exactitude=accuracy',
    'taux de bonnes réponses=accuracy',
    'précision globale=accuracy',
    'coefficient de détermination=r2',
    'score f1=f1 score',
    'moyenne=mean',
    'mesures=measurements',
    'erreur=error',
    'plus bas=lower',
    'plus faible=lower',
    'plus haut=higher',
    'meilleur=better',
    // Targets.
    'prix de vente=sale price',
    'prix=price',
    'vente=sale',
    'vendre=sell',
    'vendu=sold',
    'valeur=value',
    'vaut=worth',
    'coût=cost',
    'âge=age',
    'survie=survival',
    'survivre=survive',
    'survécu=survived',
    'mort=died',
    'qualité=quality',
    'note=grade',
    'rendement=yield',
    'récolte=harvest',
    'fraude=fraud',
    'frauduleuse=fraudulent',
    'frauduleux=fraudulent',
    'indésirable=spam',
    'panne=failure',
    'tomber en panne=fail',
    'défaillance=failure',
    'quitter=leave',
    'quitte=leaves',
    'résilier=cancel',
    'partir=leave',
    'revenu=income',
    'salaire=salary',
    'gagne=earns',
    'température=temperature',
    'minimale=minimum',
    'maximale=maximum',
    'journalière=daily',
    'quotidienne=daily',
    'pollution=pollution',
    'particules fines=fine particles',
    'concentration=concentration',
    'contenu=content',
    'formulation=wording',
    'résumé=summary',
    'maison=house',
    'logement=house',
    'vin=wine',
    'crabe=crab',
    'passager=passenger',
    'client=customer',
    'banque=bank',
    'transaction=transaction',
    'machine=machine',
    'message=message',
    'sortie=outlet',
  ],
  es: [
    'predecir=predict',
    'predice=predict',
    'predicción=prediction',
    'pronosticar=forecast',
    'pronóstico=forecast',
    'estimar=estimate',
    'clasificar=classify',
    'detectar=detect',
    'saber=know',
    'a partir de=from',
    'en función de=given',
    'con base en=based on',
    'usando=using',
    'utilizando=using',
    'según=according to',
    'con=with',
    'datos=data',
    'cuánto tiempo=how long',
    'cuánto=how much',
    'cuánta=how much',
    'cuántos=how many',
    'qué edad=how old',
    'cuál=which',
    'cuáles=which',
    'qué=what',
    'si=whether',
    'cada=each',
    'por=per',
    'es=is',
    'son=are',
    'va a=will',
    'y=and',
    'o=or',
    'el=the',
    'la=the',
    'los=the',
    'las=the',
    'un=a',
    'una=a',
    'de=of',
    'del=of the',
    'para=for',
    'métrica=metric',
    'evaluación=metric',
    'raíz del error cuadrático medio=root mean squared error',
    'error cuadrático medio=mean squared error',
    'error absoluto medio=mean absolute error',
    'error porcentual absoluto medio=mean absolute percentage error',
    'pérdida logarítmica=log loss',
    'área bajo la curva=area under the curve',
    'curva roc=roc curve',
    'exactitud=accuracy',
    'precisión global=accuracy',
    'coeficiente de determinación=r2',
    'puntuación f1=f1 score',
    'medio=mean',
    'media=mean',
    'medidas=measurements',
    'error=error',
    'más bajo=lower',
    'menor=lower',
    'mayor=higher',
    'mejor=better',
    'precio de venta=sale price',
    'precio=price',
    'venta=sale',
    'vender=sell',
    'vendió=sold',
    'valor=value',
    'vale=worth',
    'costo=cost',
    'coste=cost',
    'edad=age',
    'supervivencia=survival',
    'sobrevivir=survive',
    'sobrevivió=survived',
    'sobrevivieron=survived',
    'murió=died',
    'calidad=quality',
    'nota=grade',
    'rendimiento=yield',
    'cosecha=harvest',
    'fraude=fraud',
    'fraudulenta=fraudulent',
    'fraudulento=fraudulent',
    'basura=junk',
    'falla=failure',
    'fallo=failure',
    'avería=failure',
    'fallar=fail',
    'abandonar=leave',
    'abandona=leaves',
    'irse=leave',
    'dejar=leave',
    'cancelar=cancel',
    'ingresos=income',
    'salario=salary',
    'gana=earns',
    'temperatura=temperature',
    'mínima=minimum',
    'máxima=maximum',
    'diaria=daily',
    'contaminación=pollution',
    'partículas finas=fine particles',
    'concentración=concentration',
    'contenido=content',
    'redacción=wording',
    'resumen=summary',
    'casa=house',
    'vivienda=house',
    'vino=wine',
    'cangrejo=crab',
    'pasajero=passenger',
    'cliente=customer',
    'banco=bank',
    'transacción=transaction',
    'máquina=machine',
    'mensaje=message',
    'salida=outlet',
  ],
  de: [
    'vorhersagen=predict',
    'vorhersage=prediction',
    'sage vorher=predict',
    'prognostizieren=forecast',
    'prognose=forecast',
    'schätzen=estimate',
    'schätze=estimate',
    'klassifizieren=classify',
    'erkennen=detect',
    'bestimmen=determine',
    'berechnen=calculate',
    'anhand=from',
    'aus=from',
    'mithilfe=using',
    'basierend auf=based on',
    'auf grundlage=based on',
    'mit=with',
    'daten=data',
    'wie lange=how long',
    'wie viel=how much',
    'wie viele=how many',
    'wieviel=how much',
    'wie alt=how old',
    'welche=which',
    'welcher=which',
    'welches=which',
    'was=what',
    'ob=whether',
    'jede=each',
    'jedes=each',
    'jeden=each',
    'jeder=each',
    'pro=per',
    'ist=is',
    'sind=are',
    'wird=will',
    'werden=will',
    'und=and',
    'oder=or',
    'der=the',
    'die=the',
    'das=the',
    'den=the',
    'dem=the',
    'des=of the',
    'ein=a',
    'eine=a',
    'einer=a',
    'von=of',
    'für=for',
    'metrik=metric',
    'bewertung=metric',
    'bewertet mit=scored by',
    'wurzel des mittleren quadratischen fehlers=root mean squared error',
    'wurzel der mittleren quadratischen abweichung=root mean squared error',
    'mittlerer quadratischer fehler=mean squared error',
    'mittleren quadratischen fehler=mean squared error',
    'mittlere quadratische abweichung=mean squared error',
    'mittlerer absoluter fehler=mean absolute error',
    'mittleren absoluten fehler=mean absolute error',
    'mittlere absolute abweichung=mean absolute error',
    'mittlerer absoluter prozentualer fehler=mean absolute percentage error',
    'logarithmischer verlust=log loss',
    'fläche unter der kurve=area under the curve',
    'roc kurve=roc curve',
    'genauigkeit=accuracy',
    'treffergenauigkeit=accuracy',
    'bestimmtheitsmaß=r2',
    'f1 wert=f1 score',
    'mittlerer=mean',
    'mittelwert=mean',
    'messwerte=measurements',
    'messungen=measurements',
    'fehler=error',
    'niedriger=lower',
    'kleiner=lower',
    'höher=higher',
    'besser=better',
    'verkaufspreis=sale price',
    'preis=price',
    'verkauf=sale',
    'verkaufen=sell',
    'verkauft=sold',
    'wert=value',
    'kosten=cost',
    'alter=age',
    'überleben=survival',
    'überlebt=survived',
    'überlebten=survived',
    'gestorben=died',
    'qualität=quality',
    'note=grade',
    'bewertungsnote=grade',
    'ertrag=yield',
    'ernte=harvest',
    'betrug=fraud',
    'betrügerisch=fraudulent',
    'betrugsfall=fraud',
    'ausfall=failure',
    'ausfallen=fail',
    'defekt=failure',
    'kündigen=cancel',
    'kündigung=churn',
    'verlassen=leave',
    'verlässt=leaves',
    'abwandern=churn',
    'abwanderung=churn',
    'einkommen=income',
    'gehalt=salary',
    'verdient=earns',
    'temperatur=temperature',
    'tiefsttemperatur=minimum temperature',
    'höchsttemperatur=maximum temperature',
    'minimale=minimum',
    'maximale=maximum',
    'täglich=daily',
    'tägliche=daily',
    'luftverschmutzung=air pollution',
    'verschmutzung=pollution',
    'feinstaub=fine particles',
    'konzentration=concentration',
    'inhalt=content',
    'formulierung=wording',
    'zusammenfassung=summary',
    'haus=house',
    'hauses=house',
    'wohnung=house',
    'wein=wine',
    'krabbe=crab',
    'passagier=passenger',
    'kunde=customer',
    'kunden=customer',
    'bank=bank',
    'transaktion=transaction',
    'maschine=machine',
    'nachricht=message',
    'austritt=outlet',
    'ausgang=outlet',
  ],
  pt: [
    'prever=predict',
    'preveja=predict',
    'predizer=predict',
    'previsão=prediction',
    'estimar=estimate',
    'classificar=classify',
    'detectar=detect',
    'saber=know',
    'a partir de=from',
    'a partir das=from the',
    'a partir dos=from the',
    'com base em=based on',
    'com base nas=based on the',
    'com base nos=based on the',
    'em função de=given',
    'usando=using',
    'utilizando=using',
    'segundo=according to',
    'com=with',
    'dados=data',
    'quanto tempo=how long',
    'quanto=how much',
    'quanta=how much',
    'quantos=how many',
    'que idade=how old',
    'qual=which',
    'quais=which',
    'se=whether',
    'cada=each',
    'por=per',
    'é=is',
    'são=are',
    'vai=will',
    'vão=will',
    'e=and',
    'ou=or',
    'o=the',
    'os=the',
    'as=the',
    'um=a',
    'uma=a',
    'de=of',
    'do=of the',
    'da=of the',
    'dos=of the',
    'das=of the',
    'para=for',
    'métrica=metric',
    'avaliação=metric',
    'raiz do erro quadrático médio=root mean squared error',
    'erro quadrático médio=mean squared error',
    'erro absoluto médio=mean absolute error',
    'erro percentual absoluto médio=mean absolute percentage error',
    'perda logarítmica=log loss',
    'área sob a curva=area under the curve',
    'curva roc=roc curve',
    'acurácia=accuracy',
    'exatidão=accuracy',
    'coeficiente de determinação=r2',
    'pontuação f1=f1 score',
    'médio=mean',
    'média=mean',
    'medidas=measurements',
    'erro=error',
    'mais baixo=lower',
    'menor=lower',
    'maior=higher',
    'melhor=better',
    'preço de venda=sale price',
    'preço=price',
    'venda=sale',
    'vender=sell',
    'vendido=sold',
    'valor=value',
    'vale=worth',
    'custo=cost',
    'idade=age',
    'sobrevivência=survival',
    'sobreviver=survive',
    'sobreviveu=survived',
    'sobreviveram=survived',
    'morreu=died',
    'qualidade=quality',
    'nota=grade',
    'rendimento=yield',
    'colheita=harvest',
    'produtividade=yield',
    'fraude=fraud',
    'fraudulenta=fraudulent',
    'fraudulento=fraudulent',
    'lixo eletrônico=spam',
    'falha=failure',
    'avaria=failure',
    'falhar=fail',
    'sair=leave',
    'deixar=leave',
    'abandonar=leave',
    'cancelar=cancel',
    'renda=income',
    'salário=salary',
    'ganha=earns',
    'temperatura=temperature',
    'mínima=minimum',
    'máxima=maximum',
    'diária=daily',
    'poluição=pollution',
    'partículas finas=fine particles',
    'concentração=concentration',
    'conteúdo=content',
    'redação=wording',
    'resumo=summary',
    'casa=house',
    'imóvel=house',
    'vinho=wine',
    'caranguejo=crab',
    'passageiro=passenger',
    'cliente=customer',
    'banco=bank',
    'transação=transaction',
    'máquina=machine',
    'mensagem=message',
    'saída=outlet',
  ],
};

interface Entry {
  /** The phrase's words folded, and their stems. */
  words: string[];
  stems: string[];
  english: string;
}

interface Lexicon {
  /** By the first word folded, and by its stem; longest phrase first. */
  byWord: Map<string, Entry[]>;
  byFirst: Map<string, Entry[]>;
}

const lexicons = new Map<string, Lexicon>();

/** A word's key in a language: its Snowball stem, folded. */
function keyOf(word: string, language: Exclude<TaskLanguage, 'en'>): string {
  return foldAccents(snowballStemmer(SNOWBALL[language]).stem(word.toLowerCase()));
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?|['’]/gu;

function splitWords(text: string): { word: string; at: number }[] {
  return [...text.matchAll(WORD)].flatMap((m) => {
    const at = m.index ?? 0;
    // "l'erreur" is "l'" and "erreur".
    const elided = /^(\p{L}['’])(\p{L}+)$/u.exec(m[0]);
    if (elided?.[1] && elided[2])
      return [
        { word: elided[1].replace('’', "'"), at },
        { word: elided[2], at: at + elided[1].length },
      ];
    return [{ word: m[0], at }];
  });
}

function lexicon(language: Exclude<TaskLanguage, 'en'>): Lexicon {
  let built = lexicons.get(language);
  if (!built) {
    const byWord = new Map<string, Entry[]>();
    const byFirst = new Map<string, Entry[]>();
    const push = (map: Map<string, Entry[]>, key: string, entry: Entry) =>
      map.set(key, [...(map.get(key) ?? []), entry]);
    for (const line of LEXICON[language]) {
      const [phrase, english] = line.split('=') as [string, string];
      const split = splitWords(phrase);
      const entry = {
        words: split.map((w) => foldAccents(w.word)),
        stems: split.map((w) => keyOf(w.word, language)),
        english,
      };
      push(byWord, entry.words[0] as string, entry);
      push(byFirst, entry.stems[0] as string, entry);
    }
    for (const map of [byWord, byFirst])
      for (const list of map.values()) list.sort((a, b) => b.stems.length - a.stems.length);
    built = { byWord, byFirst };
    lexicons.set(language, built);
  }
  return built;
}

let detector: typeof import('tinyld').detect | null = null;

const ENGLISH_WORDS = new Set(
  'the a an of to and or is are was were be will would what which who how much many each every per from with for in on by it its this that these those their his her predict estimate forecast whether does do did should given using'.split(
    ' ',
  ),
);

/** The task's language, among those glossed; English when unsure or too short to tell. */
export function taskLanguage(text: string): TaskLanguage {
  const letters = text.replace(/[^\p{L}]+/gu, '');
  if (letters.length < 12) return 'en';
  // Plainly English (ASCII, a quarter of its words English function words): no detector needed.
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
  if (!/[^\x00-\x7f]/.test(text) && english >= 3 && english >= words.length * 0.25) return 'en';
  // Loaded on the first task, not with the module (its profiles take 150 ms to load).
  detector ??= (require('tinyld') as typeof import('tinyld')).detect;
  const found = detector(text, { only: ['en', 'fr', 'es', 'de', 'pt'] });
  return (GLOSSED as string[]).includes(found) ? (found as TaskLanguage) : 'en';
}

export interface TaskReading {
  language: TaskLanguage;
  /** The text as the inference reads it: the task itself in English, its gloss in another language. */
  text: string;
}

/**
 * The task read in English. Words that are one of the file's column names (or a word of one) stay as written, so
 * "target: Preis" still names the column `Preis`.
 */
export function readTask(text: string, columns: readonly string[] = []): TaskReading {
  const language = taskLanguage(text);
  if (language === 'en') return { language, text };
  const gloss = glossTask(text, language, columns);
  // A detector can take a short English sentence for French; a gloss that changed almost nothing says it was not.
  const words = splitWords(text).length;
  if (gloss.changed < 2 || gloss.changed < words * 0.2) return { language: 'en', text };
  return { language, text: gloss.text };
}

/** The gloss of a text in one language (see readTask). */
export function glossTask(
  text: string,
  language: Exclude<TaskLanguage, 'en'>,
  columns: readonly string[],
): { text: string; changed: number } {
  let changed = 0;
  const { byWord, byFirst } = lexicon(language);
  const kept = new Set(
    columns
      .flatMap((c) => [c.toLowerCase(), ...c.toLowerCase().split(/[^\p{L}\p{N}]+/u)])
      .filter((w) => w.length > 2),
  );
  const words = splitWords(text);
  const keys = words.map((w) => keyOf(w.word, language));
  const folded = words.map((w) => foldAccents(w.word));
  let out = '';
  let from = 0;
  for (let i = 0; i < words.length; ) {
    const w = words[i] as { word: string; at: number };
    const known = !kept.has(w.word.toLowerCase());
    // A phrase as written first ("medidas" is not "média", though both stem to "med"), then by stems.
    const entry =
      (known ? (byWord.get(folded[i] as string) ?? []) : []).find((e) =>
        e.words.every((x, k) => folded[i + k] === x || (k > 0 && keys[i + k] === e.stems[k])),
      ) ??
      (known && !byWord.has(folded[i] as string) ? (byFirst.get(keys[i] as string) ?? []) : []).find((e) =>
        e.stems.every((x, k) => keys[i + k] === x),
      ) ??
      // A plural the stemmer leaves whole ("passagers").
      (known ? (byWord.get((folded[i] as string).replace(/e?s$/, '')) ?? []) : []).find(
        (e) => e.words.length === 1,
      );
    if (entry) {
      const last = words[i + entry.stems.length - 1] as { word: string; at: number };
      out += text.slice(from, w.at) + entry.english;
      if (entry.english !== entry.words.join(' ')) changed += entry.stems.length;
      from = last.at + last.word.length;
      i += entry.stems.length;
      continue;
    }
    const compound = language === 'de' && !kept.has(w.word.toLowerCase()) ? splitCompound(w.word) : null;
    if (compound) changed++;
    out += text.slice(from, w.at) + (compound ?? (known ? foldAccents(w.word) : w.word));
    from = w.at + w.word.length;
    i++;
  }
  return { text: out + text.slice(from), changed };
}

/** A German compound the lexicon knows the parts of ("Verkaufspreises" → "sale price"), or null. */
function splitCompound(word: string): string | null {
  const lower = word.toLowerCase();
  if (lower.length < 8) return null;
  const single = (part: string) => {
    const { byWord, byFirst } = lexicon('de');
    const entry = [...(byWord.get(foldAccents(part)) ?? []), ...(byFirst.get(keyOf(part, 'de')) ?? [])].find(
      (e) => e.stems.length === 1,
    );
    return entry?.english ?? null;
  };
  for (let cut = 4; cut <= lower.length - 4; cut++) {
    const head = lower.slice(0, cut);
    const rest = lower.slice(cut);
    const first = single(head) ?? (head.endsWith('s') ? single(head.slice(0, -1)) : null);
    if (!first) continue;
    const second = single(rest) ?? splitCompound(rest);
    if (second) return `${first} ${second}`;
  }
  return null;
}
