import { detectLanguage } from '../rules/language.ts';
for (const t of process.argv.slice(2)) console.log(detectLanguage(t, undefined, { languages: ['en', 'fr'] }), detectLanguage(t, 'fr', { languages: ['en', 'fr'] }), '::', t);
