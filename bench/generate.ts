/**
 * Deterministic material for the benchmark: bilingual posts and articles as a police service's
 * monitoring sees them (EN/FR mix, hashtags, handles, URLs, the length spread of real posts, a
 * share of rumours and of known claims repeated), and a realistic configuration: 50 topic rules
 * in the query language and 100 known claims in the claims format.
 *
 * Everything comes from a seeded generator: the same seed and index give the same item, so a
 * stored database built from it can be cached under GENERATOR_VERSION.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RawItem } from '../daemon/sources/types.ts';
import { mulberry32 } from './stream-gen.ts';

/** Bump when anything below changes what is generated: cached databases are keyed on it. */
export const GENERATOR_VERSION = 1;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const EN_PLACES = ['Orléans', 'Kanata', 'Barrhaven', 'Vanier', 'Centretown', 'the ByWard Market', 'Westboro', 'Nepean', 'Gloucester', 'Alta Vista', 'Sandy Hill', 'Stittsville', 'Hintonburg', 'Riverside South', 'the Glebe', 'Manotick'];
const FR_PLACES = ['Orléans', 'Kanata', 'Barrhaven', 'Vanier', 'au centre-ville', 'au marché By', 'Westboro', 'Nepean', 'Gloucester', 'Alta Vista', 'la Côte-de-Sable', 'Stittsville', 'Hintonburg', 'Riverside-Sud', 'le Glebe', 'Manotick'];
const EN_ROADS = ['Highway 417', 'Bank Street', 'Rideau Street', 'Hunt Club Road', 'Carling Avenue', 'Baseline Road', 'Montreal Road', 'St. Laurent Boulevard', 'Merivale Road', 'Bronson Avenue', 'Innes Road', 'Woodroffe Avenue'];
const FR_ROADS = ["l'autoroute 417", 'la rue Bank', 'la rue Rideau', 'le chemin Hunt Club', "l'avenue Carling", 'le chemin Baseline', 'le chemin de Montréal', 'le boulevard St-Laurent', 'le chemin Merivale', "l'avenue Bronson", 'le chemin Innes', "l'avenue Woodroffe"];
const EN_TIMES = ['this morning', 'tonight', 'overnight', 'this afternoon', 'on Saturday', 'earlier today', 'right now', 'yesterday'];
const FR_TIMES = ['ce matin', 'ce soir', 'cette nuit', 'cet après-midi', 'samedi', "plus tôt aujourd'hui", 'en ce moment', 'hier'];
const HANDLES = ['@OttawaPolice', '@SPO_Ottawa', '@ottawacity', '@OC_Transpo', '@CBCOttawa', '@RadioCanadaOtt', '@OttawaCitizen', '@ONrights', '@CTVOttawa', '@JimWatsonOttawa', '@ottawafire', '@OttawaParamedic'];
const EN_TAGS = ['#ottnews', '#ottawa', '#otttraffic', '#ottcity', '#ottpoli', '#onpoli', '#cdnpoli', '#OttawaPolice'];
const FR_TAGS = ['#ottawa', '#ONfr', '#gatineau', '#polmtl', '#SPO', '#Ottawa'];
const DOMAINS = ['ottawacitizen.com', 'cbc.ca', 'ici.radio-canada.ca', 'ottawa.ctvnews.ca', 'ottawapolice.ca', 'ottawa.ca', 'ledroit.com', 'reddit.com', 'x.com', 'mastodon.social'];
const EN_CHAT = ['Honestly', 'Just saw this', 'Wow', 'Again?', 'Stay safe everyone', 'Not surprised', 'Heads up', 'FYI', 'lol', 'Unreal', 'Can confirm', 'This city…'];
const FR_CHAT = ['Franchement', 'Je viens de voir ça', 'Encore?', 'Soyez prudents', 'Pas surpris', 'À savoir', 'Attention', 'Ben voyons', 'Incroyable', 'Sérieux?'];
const EN_FILLER = [
  'More details to come as the situation develops.',
  'Residents are asked to avoid the area and to follow official channels for updates.',
  'Anyone with information is asked to call the tip line or Crime Stoppers anonymously.',
  'The investigation is ongoing and no further details were released.',
  'Neighbours said they had raised concerns at several community meetings last year.',
  'The city says the work is part of a broader plan announced in the spring.',
  'A spokesperson declined to comment on the timeline.',
  'Several people shared photos online within minutes.',
  'Councillors are expected to discuss the matter at the next committee meeting.',
  'Traffic was backed up for about an hour during the morning commute.',
];
const FR_FILLER = [
  "D'autres détails suivront à mesure que la situation évolue.",
  'On demande aux résidents d\'éviter le secteur et de suivre les canaux officiels.',
  "Toute personne ayant de l'information est priée d'appeler Échec au crime de façon anonyme.",
  "L'enquête se poursuit et aucun autre détail n'a été communiqué.",
  "Des voisins affirment avoir soulevé le problème lors de plusieurs réunions l'an dernier.",
  'La Ville affirme que les travaux font partie d\'un plan annoncé au printemps.',
  'Un porte-parole a refusé de commenter l\'échéancier.',
  'Plusieurs personnes ont partagé des photos en ligne en quelques minutes.',
  'Les conseillers doivent en discuter à la prochaine réunion du comité.',
  "La circulation a été ralentie pendant environ une heure à l'heure de pointe.",
];
// Rumour wording: hearsay, urgency, calls to share.
const EN_RUMOUR = ['Heard that', 'Apparently', 'My cousin says', 'Not confirmed but', 'Share before they delete this:', 'They are not telling you this:', 'BREAKING (unconfirmed):', 'Someone in the group chat said'];
const FR_RUMOUR = ['Paraît que', 'On dit que', 'Mon cousin dit que', 'Pas confirmé mais', 'Partagez avant que ce soit effacé :', 'On ne vous le dit pas :', 'URGENT (non confirmé) :', "Quelqu'un dans le groupe a dit que"];

/** A subject of coverage: its words in each language, and sentences that use them. */
interface Topic {
  id: string;
  label: { en: string; fr: string };
  en: { terms: string[]; lines: string[] };
  fr: { terms: string[]; lines: string[] };
}

// {p} place, {r} road, {t} time, {h} handle: filled per sentence.
const TOPICS: Topic[] = [
  { id: 'collisions', label: { en: 'Collisions', fr: 'Collisions' },
    en: { terms: ['collision', 'crash', '"hit and run"', 'rollover', 'pile-up'], lines: ['Collision on {r} near {p} {t}, two lanes closed.', 'Serious crash on {r}, paramedics on scene.', 'Hit and run in {p} {t}: police looking for a grey pickup.', 'Rollover on {r} {t}, expect delays.'] },
    fr: { terms: ['collision', 'accident', '"délit de fuite"', 'carambolage', 'capotage'], lines: ['Collision sur {r} près de {p} {t}, deux voies fermées.', 'Grave accident sur {r}, les paramédics sont sur place.', 'Délit de fuite à {p} {t} : la police cherche une camionnette grise.', 'Carambolage sur {r} {t}, prévoyez des retards.'] } },
  { id: 'road-closures', label: { en: 'Road closures', fr: 'Fermetures de routes' },
    en: { terms: ['"road closure"', 'detour*', '"lane reduction"', '"closed to traffic"'], lines: ['Road closure on {r} {t} for water main work, detours posted.', '{r} closed to traffic between two intersections {t}.', 'Lane reduction on {r} all week, plan your commute.'] },
    fr: { terms: ['"fermeture de route"', 'détour*', 'entrave*', '"fermée à la circulation"'], lines: ['Fermeture de route sur {r} {t} pour des travaux d\'aqueduc, détours en place.', '{r} fermée à la circulation {t}.', 'Entraves sur {r} toute la semaine, planifiez vos déplacements.'] } },
  { id: 'arrests', label: { en: 'Arrests and charges', fr: 'Arrestations et accusations' },
    en: { terms: ['arrest*', '"charged with"', '"in custody"', '"faces charges"'], lines: ['Man arrested in {p} {t} after a robbery at a convenience store.', 'A 24-year-old has been charged with assault following an incident on {r}.', 'Suspect in custody after a chase through {p}.'] },
    fr: { terms: ['arrestation*', '"accusé de"', '"mis sous garde"', '"chef d\'accusation"'], lines: ['Arrestation à {p} {t} après un vol dans un dépanneur.', 'Un homme de 24 ans accusé de voies de fait après un incident sur {r}.', 'Un suspect mis sous garde après une poursuite à {p}.'] } },
  { id: 'missing-persons', label: { en: 'Missing persons', fr: 'Personnes disparues' },
    en: { terms: ['missing', '"last seen"', '"help locate"', '"amber alert"'], lines: ['MISSING: 15-year-old last seen in {p} {t}. Please share.', 'Police ask for help to locate a senior missing from {p}.', 'Amber Alert issued {t}, child last seen near {r}.'] },
    fr: { terms: ['disparu*', '"vu pour la dernière fois"', '"alerte amber"', '"aider à retrouver"'], lines: ['DISPARITION : adolescente de 15 ans vue pour la dernière fois à {p} {t}.', "La police demande l'aide du public pour retrouver un aîné disparu de {p}.", 'Alerte Amber lancée {t}, enfant vu près de {r}.'] } },
  { id: 'police-conduct', label: { en: 'Police conduct', fr: 'Conduite policière' },
    en: { terms: ['SIU', 'misconduct', '"use of force"', '"racial profiling"', 'brutality'], lines: ['SIU investigating after a man was injured during an arrest in {p}.', 'Video shows use of force during a traffic stop on {r}, questions raised.', 'Community groups denounce racial profiling after a stop in {p}.'] },
    fr: { terms: ['UES', 'inconduite', '"recours à la force"', '"profilage racial"', 'brutalité'], lines: ["L'UES enquête après qu'un homme a été blessé lors d'une arrestation à {p}.", 'Une vidéo montre un recours à la force lors d\'une interpellation sur {r}.', 'Des groupes dénoncent le profilage racial après une interpellation à {p}.'] } },
  { id: 'police-budget', label: { en: 'Police budget', fr: 'Budget de la police' },
    en: { terms: ['"police budget"', '"police services board"', 'defund*', 'levy'], lines: ['Police services board approves a budget increase {t}.', 'Council debates the police budget again, motion to freeze funding.', 'Residents pack the room to speak about the police levy.'] },
    fr: { terms: ['"budget de la police"', '"commission de services policiers"', 'financement', 'hausse'], lines: ['La commission de services policiers approuve une hausse du budget {t}.', 'Le conseil débat encore du budget de la police, motion pour geler le financement.', 'Salle comble pour parler de la hausse de taxe pour la police.'] } },
  { id: 'recruitment', label: { en: 'Recruitment', fr: 'Recrutement' },
    en: { terms: ['hiring', 'recruit*', '"join the team"', '"career fair"'], lines: ['{h} is hiring constables: info session in {p} {t}.', 'Career fair at the police HQ this weekend, recruiters on site.', 'Want to join the team? Applications open for special constables.'] },
    fr: { terms: ['embauche', 'recrut*', '"joignez-vous"', '"salon de l\'emploi"'], lines: ['{h} embauche des agents : séance d\'information à {p} {t}.', "Salon de l'emploi au quartier général, recruteurs sur place.", 'Joignez-vous à notre équipe : postes de constables spéciaux ouverts.'] } },
  { id: 'discrimination', label: { en: 'Discrimination', fr: 'Discrimination' },
    en: { terms: ['discriminat*', 'racism', '"human rights"', 'harassment', 'accommodation'], lines: ['Human rights complaint filed over discrimination in housing in {p}.', 'Tribunal finds harassment at a workplace on {r}.', 'Advocates say racism is still underreported in the city.'] },
    fr: { terms: ['discrimin*', 'racisme', '"droits de la personne"', 'harcèlement', 'accommodement'], lines: ['Plainte en droits de la personne pour discrimination en logement à {p}.', 'Le tribunal conclut à du harcèlement dans un lieu de travail sur {r}.', 'Des groupes affirment que le racisme reste sous-déclaré.'] } },
  { id: 'accessibility', label: { en: 'Accessibility', fr: 'Accessibilité' },
    en: { terms: ['accessib*', 'wheelchair', 'disabilit*', 'ramp'], lines: ['New station still not wheelchair accessible, riders say.', 'Disability advocates rally at city hall {t}.', 'Broken ramp at the {p} library for weeks now.'] },
    fr: { terms: ['accessib*', '"fauteuil roulant"', 'handicap*', 'rampe'], lines: ['La nouvelle station toujours pas accessible en fauteuil roulant.', "Des défenseurs des personnes handicapées manifestent à l'hôtel de ville {t}.", 'Rampe brisée à la bibliothèque de {p} depuis des semaines.'] } },
  { id: 'extreme-weather', label: { en: 'Extreme weather', fr: 'Météo extrême' },
    en: { terms: ['"freezing rain"', 'blizzard', 'tornado', '"heat warning"', 'flood*'], lines: ['Freezing rain warning {t}: roads will be slick.', 'Tornado touched down near {p}, trees down on {r}.', 'Heat warning issued, cooling centres open in {p}.', 'Flooding on {r} after the storm.'] },
    fr: { terms: ['verglas', 'blizzard', 'tornade', '"avertissement de chaleur"', 'inond*'], lines: ['Avertissement de pluie verglaçante {t} : routes glissantes.', 'Une tornade a touché le sol près de {p}, arbres tombés sur {r}.', 'Avertissement de chaleur, centres de rafraîchissement ouverts à {p}.', 'Inondation sur {r} après la tempête.'] } },
  { id: 'emergency-orders', label: { en: 'Emergency orders', fr: "Ordres d'urgence" },
    en: { terms: ['evacuat*', '"shelter in place"', 'lockdown', '"hold and secure"'], lines: ['Evacuation order for homes near {r} after a gas leak.', 'Shelter in place in {p} {t} due to a chemical smell.', 'School in {p} under hold and secure {t}.'] },
    fr: { terms: ['évacu*', 'confinement', '"mise en sécurité"', 'barricad*'], lines: ["Ordre d'évacuation pour les maisons près de {r} après une fuite de gaz.", 'Confinement à {p} {t} en raison d\'une odeur chimique.', 'École de {p} en mise en sécurité {t}.'] } },
  { id: 'transit', label: { en: 'Transit', fr: 'Transport en commun' },
    en: { terms: ['O-Train', 'LRT', '"OC Transpo"', 'bus*', 'derail*'], lines: ['LRT down again {t}, R1 buses replacing trains.', 'OC Transpo bus stuck on {r}, riders waiting in the cold.', 'O-Train service resumes after a switch problem near {p}.'] },
    fr: { terms: ['O-Train', 'TLR', '"OC Transpo"', 'autobus', 'déraill*'], lines: ['Le TLR encore en panne {t}, autobus R1 en remplacement.', "Un autobus d'OC Transpo bloqué sur {r}.", 'Le service de O-Train reprend après un problème près de {p}.'] } },
  { id: 'drugs', label: { en: 'Drugs and overdoses', fr: 'Drogues et surdoses' },
    en: { terms: ['overdose*', 'fentanyl', 'naloxone', '"drug bust"', 'opioid*'], lines: ['Spike in overdoses in {p} {t}, naloxone kits available.', 'Drug bust on {r}: fentanyl and cash seized.', 'Opioid deaths up again this year, health unit says.'] },
    fr: { terms: ['surdose*', 'fentanyl', 'naloxone', '"saisie de drogue"', 'opioïde*'], lines: ['Hausse des surdoses à {p} {t}, trousses de naloxone offertes.', 'Saisie de drogue sur {r} : fentanyl et argent saisis.', 'Les décès liés aux opioïdes augmentent encore.'] } },
  { id: 'fire', label: { en: 'Fires', fr: 'Incendies' },
    en: { terms: ['fire', 'blaze', 'firefighters', 'arson'], lines: ['Fire at an apartment building in {p} {t}, residents evacuated.', 'Firefighters battle a blaze on {r}.', 'Arson suspected in a string of car fires in {p}.'] },
    fr: { terms: ['incendie', 'feu', 'pompiers', '"incendie criminel"'], lines: ['Incendie dans un immeuble à {p} {t}, résidents évacués.', 'Les pompiers combattent un feu sur {r}.', 'Incendie criminel soupçonné après des feux de voitures à {p}.'] } },
  { id: 'protests', label: { en: 'Protests', fr: 'Manifestations' },
    en: { terms: ['protest*', 'convoy', 'rally', 'demonstrat*', 'march'], lines: ['Protest planned on {r} {t}, expect closures downtown.', 'Convoy trucks honking near Parliament again.', 'Rally at city hall {t} against the new bylaw.'] },
    fr: { terms: ['manifest*', 'convoi', 'rassemblement', 'marche'], lines: ['Manifestation prévue sur {r} {t}, fermetures au centre-ville.', 'Les camions du convoi klaxonnent encore près du Parlement.', "Rassemblement à l'hôtel de ville {t} contre le nouveau règlement."] } },
  { id: 'housing', label: { en: 'Housing', fr: 'Logement' },
    en: { terms: ['homeless*', 'encampment', 'eviction*', 'shelter', 'rent'], lines: ['Encampment cleared near {r} {t}, advocates object.', 'Shelter beds full again in {p}.', 'Tenants face eviction after rent hike in {p}.'] },
    fr: { terms: ['itinéran*', 'campement', 'éviction*', 'refuge', 'loyer*'], lines: ['Campement démantelé près de {r} {t}.', 'Les refuges sont pleins à {p}.', 'Des locataires menacés d\'éviction après une hausse de loyer.'] } },
  { id: 'schools', label: { en: 'Schools', fr: 'Écoles' },
    en: { terms: ['school*', 'student*', '"school bus"', 'teacher*'], lines: ['School bus cancellations {t} because of the weather.', 'Students walk out at a high school in {p}.', 'Teachers worry about safety at the school on {r}.'] },
    fr: { terms: ['école*', 'élève*', '"autobus scolaire"', 'enseignant*'], lines: ['Annulation des autobus scolaires {t} à cause de la météo.', 'Des élèves quittent les classes à {p}.', "Des enseignants inquiets pour la sécurité à l'école sur {r}."] } },
  { id: 'violence', label: { en: 'Violent crime', fr: 'Crimes violents' },
    en: { terms: ['shooting', 'stabbing', 'homicide', 'gunfire', 'assault'], lines: ['Shooting in {p} {t}, one person taken to hospital.', 'Stabbing on {r}: police say the victim knew the suspect.', 'Third homicide this year in {p}.'] },
    fr: { terms: ['fusillade', '"coups de feu"', 'homicide', 'poignard*', 'agression'], lines: ['Coups de feu à {p} {t}, une personne transportée à l\'hôpital.', 'Une personne poignardée sur {r}.', 'Troisième homicide cette année à {p}.'] } },
  { id: 'scams', label: { en: 'Scams and fraud', fr: 'Fraudes' },
    en: { terms: ['scam*', 'fraud*', 'phishing', '"gift cards"'], lines: ['Police warn of a phone scam targeting seniors in {p}.', 'Fraudsters asking for gift cards while posing as officers.', 'Phishing texts claiming to be from the city are circulating.'] },
    fr: { terms: ['arnaque*', 'fraude*', 'hameçonnage', '"cartes-cadeaux"'], lines: ['La police met en garde contre une arnaque téléphonique visant les aînés.', 'Des fraudeurs demandent des cartes-cadeaux en se faisant passer pour des policiers.', "Des textos d'hameçonnage au nom de la Ville circulent."] } },
  { id: 'community', label: { en: 'Community events', fr: 'Événements communautaires' },
    en: { terms: ['"toy drive"', 'barbecue', 'fundraiser', '"open house"', 'volunteer*'], lines: ['Officers at the toy drive in {p} {t}, come say hi.', 'Community barbecue on {r} this weekend.', 'Open house at the station in {p}, volunteers welcome.'] },
    fr: { terms: ['"collecte de jouets"', 'barbecue', '"collecte de fonds"', '"portes ouvertes"', 'bénévol*'], lines: ['Les policiers à la collecte de jouets à {p} {t}.', 'Barbecue communautaire sur {r} ce week-end.', 'Portes ouvertes au poste de {p}, bénévoles bienvenus.'] } },
];

// The institution, as people name it; most posts mention it.
const EN_INST = ['Ottawa Police', 'OPS', '@OttawaPolice', 'police', 'the cops', 'officers', 'Ottawa Police Service'];
const FR_INST = ['le SPO', "la police d'Ottawa", 'le Service de police', '@SPO_Ottawa', 'les policiers', 'la police'];

// ---- rules ----

/** The 50 rules as YAML files (10 rules each), written to `dir`. */
export function writeRules(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const rules = generateRules();
  for (let f = 0; f < 5; f++) writeFileSync(join(dir, `rules-${f + 1}.yaml`), stringify({ rules: rules.slice(f * 10, f * 10 + 10) }, { lineWidth: 0 }));
}

export interface RuleDef {
  id: string;
  label: { en: string; fr: string };
  query: string | { en: string; fr: string };
  exclude?: string;
  languages?: ('en' | 'fr')[];
  severity: 'low' | 'medium' | 'high' | 'critical';
  trigger: 'digest' | 'alert';
  stems?: boolean;
}

/**
 * Two rules per topic, written as staff write them: a broad one (its words, OR-ed, per
 * language) and a narrow one (the topic near the institution's name, or in the title, with an
 * exclusion), plus ten across topics: hashtags, handles, authors, proximity of two subjects.
 */
export function generateRules(): RuleDef[] {
  const severities = ['low', 'medium', 'high', 'critical'] as const;
  const out: RuleDef[] = [];
  TOPICS.forEach((t, i) => {
    out.push({
      id: t.id,
      label: t.label,
      query: { en: t.en.terms.join(' OR '), fr: t.fr.terms.join(' OR ') },
      severity: severities[i % 3],
      trigger: i % 4 === 0 ? 'alert' : 'digest',
      ...(i % 5 === 2 ? { stems: true } : {}),
    });
    const near = (terms: string[], inst: string) => `(${terms.slice(0, 3).join(' OR ')}) NEAR/8 (${inst})`;
    out.push({
      id: `${t.id}-police`,
      label: { en: `${t.label.en} (police)`, fr: `${t.label.fr} (police)` },
      query:
        i % 2
          ? { en: near(t.en.terms, 'police OR OPS OR officer*'), fr: near(t.fr.terms, 'police OR SPO OR policier*') }
          : { en: `title:(${t.en.terms.slice(0, 2).join(' OR ')}) AND (police OR OPS)`, fr: `title:(${t.fr.terms.slice(0, 2).join(' OR ')}) AND (police OR SPO)` },
      exclude: i % 3 ? '"test post" OR hockey OR author:AutoModerator' : undefined,
      languages: i % 6 === 5 ? ['en'] : undefined,
      severity: severities[(i + 1) % 4],
      trigger: i % 3 === 0 ? 'alert' : 'digest',
    });
  });
  out.push(
    { id: 'tag-ottnews', label: { en: '#ottnews', fr: '#ottnews' }, query: '#ottnews OR #ottawa', severity: 'low', trigger: 'digest' },
    { id: 'handle-ops', label: { en: 'Mentions of the service account', fr: 'Mentions du compte du service' }, query: '@OttawaPolice OR @SPO_Ottawa', severity: 'low', trigger: 'digest' },
    { id: 'press-accounts', label: { en: 'Posts by newsrooms', fr: 'Publications des médias' }, query: 'author:(CBC OR CTV OR Citizen OR "Radio-Canada" OR LeDroit)', severity: 'low', trigger: 'digest' },
    { id: 'bridge-traffic', label: { en: 'Bridges', fr: 'Ponts' }, query: { en: 'bridge* NEAR/4 (closed OR closing OR collapse* OR inspection)', fr: 'pont* NEAR/4 (fermé* OR fermeture OR effondr* OR inspection)' }, severity: 'medium', trigger: 'alert', stems: true },
    { id: '911-service', label: { en: '911 service', fr: 'Service 911' }, query: { en: '911 AND (down OR outage OR "not working")', fr: '911 AND (panne OR "ne fonctionne pas" OR "marche pu")' }, severity: 'critical', trigger: 'alert' },
    { id: 'water-advisory', label: { en: 'Water advisories', fr: "Avis sur l'eau" }, query: { en: '"boil water" OR "boil-water" OR (tap NEAR/3 water)', fr: '"avis d\'ébullition" OR "eau du robinet"' }, severity: 'high', trigger: 'alert' },
    { id: 'checkpoints', label: { en: 'Checkpoints', fr: 'Barrages routiers' }, query: { en: 'checkpoint* OR "RIDE program" OR roadblock*', fr: '"barrage routier" OR "barrages routiers" OR "contrôle routier"' }, severity: 'medium', trigger: 'digest' },
    { id: 'curfew', label: { en: 'Curfews', fr: 'Couvre-feux' }, query: { en: 'curfew OR "state of emergency"', fr: 'couvre-feu OR "état d\'urgence"' }, severity: 'high', trigger: 'alert' },
    { id: 'hate-crimes', label: { en: 'Hate crimes', fr: 'Crimes haineux' }, query: { en: '"hate crime" OR "hate-motivated" OR (graffiti NEAR/5 (hate OR swastika OR racist))', fr: '"crime haineux" OR "motivé par la haine" OR (graffiti* NEAR/5 (haine OR croix OR raciste*))' }, severity: 'high', trigger: 'alert', languages: ['en', 'fr'] },
    { id: 'sirens-chatter', label: { en: 'Sirens and helicopters', fr: 'Sirènes et hélicoptères' }, query: { en: '(siren* OR helicopter OR cruisers) AND NOT "test post"', fr: '(sirène* OR hélicoptère OR autopatrouille*) AND NOT "test post"' }, severity: 'low', trigger: 'digest' },
  );
  return out;
}

/** The rules' literal words and phrases, as written (accents kept, `*` and quotes dropped), for grep. */
export function ruleTerms(rules: RuleDef[]): string[] {
  const terms = new Set<string>();
  const scan = (q: string) => {
    for (const m of q.matchAll(/"([^"]+)"|([#@]?[\p{L}\p{N}'-]+)\*?/gu)) {
      const t = m[1] ?? m[2];
      if (/^(AND|OR|NOT|NEAR)$/.test(t) || /^(title|text|author|source|lang)$/.test(t)) continue;
      terms.add(t);
    }
  };
  for (const r of rules) {
    for (const q of typeof r.query === 'string' ? [r.query] : [r.query.en, r.query.fr]) scan(q.replace(/NEAR\/\d+/g, ' ').replace(/\b\w+:/g, ' '));
  }
  return [...terms];
}

// ---- claims ----

interface ClaimTemplate {
  en: string;
  fr: string;
  variantsEn: string[];
  variantsFr: string[];
  status: 'false' | 'misleading' | 'unverified';
}

// {x} is filled with one of ten subjects per template, making ten distinct claims of each.
const CLAIM_TEMPLATES: { fill: { en: string; fr: string }[]; t: ClaimTemplate }[] = [
  { fill: EN_ROADS.slice(0, 10).map((r, i) => ({ en: r, fr: FR_ROADS[i] })), t: { status: 'false', en: 'Police are closing {x} for a full week starting Monday.', fr: 'La police ferme {x} pendant une semaine complète à partir de lundi.', variantsEn: ["They're shutting down {x} all week, share before they delete", '{x} closed both directions for 7 days'], variantsFr: ['Paraît que la police va barrer {x} une semaine au complet', '{x} sera fermé toute la semaine'] } },
  { fill: EN_PLACES.slice(0, 10).map((p, i) => ({ en: p, fr: FR_PLACES[i] })), t: { status: 'misleading', en: 'Tap water in {x} is unsafe to drink and a boil-water advisory covers the whole area.', fr: "L'eau du robinet à {x} n'est pas potable et un avis d'ébullition couvre tout le secteur.", variantsEn: ["don't drink the tap water in {x}, boil water advisory everywhere", 'boil water advisory for all of {x} right now'], variantsFr: ["buvez pas l'eau du robinet à {x}, avis d'ébullition partout"] } },
  { fill: EN_PLACES.slice(2, 12).map((p, i) => ({ en: p, fr: FR_PLACES[i + 2] })), t: { status: 'unverified', en: 'A man in a white van is trying to lure children outside schools in {x}.', fr: 'Un homme dans une fourgonnette blanche tente d\'attirer des enfants devant les écoles de {x}.', variantsEn: ['guy in a white van tried to grab a kid outside a school in {x}', 'white van creeper near {x} schools, cops know and say nothing'], variantsFr: ['un gars dans un van blanc essaie de faire monter des enfants près des écoles de {x}'] } },
  { fill: ['Ottawa', 'Kanata', 'Orléans', 'Barrhaven', 'Nepean', 'Vanier', 'Gloucester', 'Stittsville', 'Manotick', 'Westboro'].map((p) => ({ en: p, fr: p })), t: { status: 'false', en: "{x}'s 911 service is down, so people should call the non-emergency line instead.", fr: 'Le service 911 à {x} est en panne; il faut appeler la ligne non urgente.', variantsEn: ["911 isn't working in {x} right now, call the non-emergency number", "don't bother calling 911 in {x} tonight, the system is down"], variantsFr: ['le 911 marche pu à {x}, appelez le numéro non urgent'] } },
  { fill: EN_PLACES.slice(4, 14).map((p, i) => ({ en: p, fr: FR_PLACES[i + 4] })), t: { status: 'false', en: 'A curfew is in force in {x} tonight after the shooting.', fr: 'Un couvre-feu est imposé à {x} ce soir après la fusillade.', variantsEn: ['curfew in {x} tonight, everyone off the streets by 9', 'police imposing a curfew on {x} after the shooting'], variantsFr: ['couvre-feu à {x} ce soir, tout le monde dehors avant 21 h'] } },
  { fill: EN_ROADS.slice(2, 12).map((r, i) => ({ en: r, fr: FR_ROADS[i + 2] })), t: { status: 'false', en: 'Police set up checkpoints on {x} to check immigration status.', fr: "La police installe des barrages sur {x} pour vérifier le statut d'immigration.", variantsEn: ['ICE-style checkpoints on {x}, they ask for papers', 'cops checking immigration papers on {x} right now'], variantsFr: ['des barrages sur {x} pour vérifier les papiers, faites attention'] } },
  { fill: ['gas', 'chemical', 'chlorine', 'ammonia', 'propane', 'sewage', 'diesel', 'smoke', 'asbestos', 'mould'].map((x, i) => ({ en: x, fr: ['gaz', 'produits chimiques', 'chlore', 'ammoniac', 'propane', 'eaux usées', 'diesel', 'fumée', 'amiante', 'moisissure'][i] })), t: { status: 'unverified', en: 'A {x} leak forced the evacuation of a school and officials are hiding it.', fr: 'Une fuite de {x} a forcé l\'évacuation d\'une école et les autorités le cachent.', variantsEn: ['school evacuated because of a {x} leak and nobody is saying anything', '{x} leak at the school, they are covering it up'], variantsFr: ['école évacuée à cause d\'une fuite de {x}, personne n\'en parle'] } },
  { fill: ['Hunt Club', 'Champlain', 'Portage', 'Chaudière', 'Macdonald-Cartier', 'Alexandra', 'Airport Parkway', 'Minto', 'Bank Street', 'Billings'].map((x) => ({ en: x, fr: x })), t: { status: 'false', en: 'The {x} bridge is cracked and about to collapse.', fr: 'Le pont {x} est fissuré et sur le point de s\'effondrer.', variantsEn: ['{x} bridge is cracking, do not drive on it', 'saw huge cracks on the {x} bridge, it is going to collapse'], variantsFr: ['le pont {x} est fissuré, évitez-le'] } },
  { fill: ['masks', 'fireworks', 'backyard fires', 'e-scooters', 'street parking', 'dog walking', 'drones', 'snow forts', 'barbecues', 'garage sales'].map((x, i) => ({ en: x, fr: ['les masques', "les feux d'artifice", 'les feux de foyer', 'les trottinettes', 'le stationnement dans la rue', 'la promenade des chiens', 'les drones', 'les forts de neige', 'les barbecues', 'les ventes de garage'][i] })), t: { status: 'misleading', en: 'The city is banning {x} starting next month and police will fine everyone.', fr: 'La Ville interdit {x} dès le mois prochain et la police donnera des amendes à tous.', variantsEn: ['city banning {x} next month, $500 fines', 'police will ticket anyone caught with {x} from next month'], variantsFr: ['la Ville interdit {x}, amendes de 500 $'] } },
  { fill: ['groceries', 'gas cards', 'transit passes', 'hydro credits', 'tax refunds', 'gift cards', 'laptops', 'phones', 'bikes', 'winter tires'].map((x, i) => ({ en: x, fr: ["l'épicerie", "les cartes d'essence", 'les laissez-passer', "les crédits d'électricité", "les remboursements d'impôt", 'les cartes-cadeaux', 'les portables', 'les téléphones', 'les vélos', "les pneus d'hiver"][i] })), t: { status: 'false', en: 'Ottawa Police are giving away free {x} to anyone who fills in a form online.', fr: 'La police d\'Ottawa donne gratuitement {x} à qui remplit un formulaire en ligne.', variantsEn: ['free {x} from Ottawa Police, just fill the form', 'OPS giving out {x}, link in bio'], variantsFr: ['{x} gratuits de la police, remplissez le formulaire'] } },
];

export interface ClaimDef {
  id: string;
  status: 'false' | 'misleading' | 'unverified';
  text: { en: string; fr: string };
  variants: string[];
}

export function generateClaims(): ClaimDef[] {
  const out: ClaimDef[] = [];
  CLAIM_TEMPLATES.forEach(({ fill, t }, ti) => {
    fill.forEach((x, fi) => {
      const en = (s: string) => s.replaceAll('{x}', x.en);
      const fr = (s: string) => s.replaceAll('{x}', x.fr);
      out.push({
        id: `B${String(ti * 10 + fi + 1).padStart(3, '0')}`,
        status: t.status,
        text: { en: en(t.en), fr: fr(t.fr) },
        variants: [...t.variantsEn.map(en), ...t.variantsFr.map(fr)],
      });
    });
  });
  return out;
}

export function writeClaims(file: string): void {
  writeFileSync(file, stringify({ claims: generateClaims() }, { lineWidth: 0 }));
}

// ---- items ----

export interface BenchItem extends RawItem {
  sourceId: string;
  /** The language it was written in (an item mixing both counts as its main language). */
  lang: 'en' | 'fr';
  title: string;
  text: string;
}

const SOURCES = ['x-ottawa', 'mastodon-ottawa', 'reddit-ottawa', 'cbc-ottawa', 'ottawa-citizen', 'radio-canada-ottawa', 'ledroit', 'ops-news', 'google-alerts', 'youtube'];
const SOCIAL = new Set(['x-ottawa', 'mastodon-ottawa', 'reddit-ottawa']);
const AUTHORS_EN = ['CBC Ottawa', 'CTV Ottawa', 'Ottawa Citizen', 'jdoe_613', 'ottawamom', 'BankStreetBob', 'AutoModerator', 'kanata_dad', 'glebe_gal', 'transit_watch'];
const AUTHORS_FR = ['Radio-Canada Ottawa-Gatineau', 'LeDroit', 'marie_orleans', 'jf_vanier', 'ONfr', 'gatineau_pat', 'lucie613', 'SPO Nouvelles'];

/** The item at `index` of stream `seed`: the same arguments always give the same item. */
export function generateItem(index: number, seed = 1, start = BENCH_START): BenchItem {
  const r = mulberry32((seed * 0x9e3779b1) ^ (index * 0x85ebca6b));
  r();
  const lang: 'en' | 'fr' = r() < 0.62 ? 'en' : 'fr';
  const sourceId = pick(r, SOURCES);
  const social = SOCIAL.has(sourceId);
  const en = lang === 'en';
  const claims = CLAIMS_CACHE ?? (CLAIMS_CACHE = generateClaims());
  const parts: string[] = [];
  const roll = r();
  if (roll < 0.03) {
    // A known claim repeated, usually in a variant's words, with some chatter around it.
    const claim = pick(r, claims);
    const wording = r() < 0.7 ? pick(r, claim.variants) : en ? claim.text.en : claim.text.fr;
    parts.push(r() < 0.5 ? `${pick(r, en ? EN_RUMOUR : FR_RUMOUR)} ${lower(wording)}` : wording);
  } else {
    const topic = TOPICS[Math.floor(r() * r() * TOPICS.length)];
    const words = en ? topic.en : topic.fr;
    if (roll < 0.1) parts.push(pick(r, en ? EN_RUMOUR : FR_RUMOUR));
    if (social && r() < 0.4) parts.push(`${pick(r, en ? EN_CHAT : FR_CHAT)}${r() < 0.5 ? ',' : ':'}`);
    parts.push(fill(r, pick(r, words.lines), en));
    if (r() < 0.5) parts.push(mention(r, en));
  }
  // Length spread of real posts: most are a line or two, articles run to a few paragraphs.
  const extra = social ? (r() < 0.7 ? 0 : Math.floor(r() * 3)) : 1 + Math.floor(-Math.log(1 - r() * 0.999) * 3);
  for (let k = 0; k < extra; k++) parts.push(r() < 0.3 ? fill(r, pick(r, pick(r, TOPICS)[lang].lines), en) : pick(r, en ? EN_FILLER : FR_FILLER));
  if (r() < 0.08) parts.push(r() < 0.5 ? 'Also, ' + lower(fill(r, pick(r, pick(r, TOPICS)[en ? 'fr' : 'en'].lines), !en)) : fill(r, pick(r, pick(r, TOPICS)[en ? 'fr' : 'en'].lines), !en));
  if (social) {
    const tags = Math.floor(r() * r() * 4);
    for (let k = 0; k < tags; k++) parts.push(pick(r, en ? EN_TAGS : FR_TAGS));
    if (r() < 0.25) parts.push(pick(r, HANDLES));
  }
  const id = `${seed}-${index}`;
  const url = `https://${pick(r, DOMAINS)}/${social ? 'status' : 'news'}/${seed}${String(index).padStart(8, '0')}`;
  if (r() < 0.3) parts.push(url);
  const text = parts.join(' ');
  const title = social ? '' : clipWords(fill(r, pick(r, pick(r, TOPICS)[lang].lines), en), 12);
  return {
    sourceId,
    lang,
    externalId: id,
    url,
    title,
    text,
    author: pick(r, en ? AUTHORS_EN : AUTHORS_FR),
    publishedAt: start + Math.floor(index * 2_600 + r() * 60_000),
  };
}

let CLAIMS_CACHE: ClaimDef[] | null = null;

/** The first item's time; items come 2.6 s apart, so a million span about a month. */
export const BENCH_START = Date.UTC(2026, 9, 1, 4);

function fill(r: Rand, template: string, en: boolean): string {
  return template.replace(/\{(p|r|t|h)\}/g, (_, k: string) => {
    if (k === 'p') return pick(r, en ? EN_PLACES : FR_PLACES);
    if (k === 'r') return pick(r, en ? EN_ROADS : FR_ROADS);
    if (k === 't') return pick(r, en ? EN_TIMES : FR_TIMES);
    return pick(r, HANDLES);
  });
}

function mention(r: Rand, en: boolean): string {
  const inst = pick(r, en ? EN_INST : FR_INST);
  return en ? `${inst} ${pick(r, ['on scene', 'responded', 'are asking for witnesses', 'have not commented', 'confirmed it'])}.` : `${inst} ${pick(r, ['est sur place', 'a répondu', 'cherche des témoins', "n'a pas commenté", "l'a confirmé"])}.`;
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function clipWords(s: string, n: number): string {
  const words = s.split(' ');
  return words.length > n ? words.slice(0, n).join(' ') : s.replace(/[.:]$/, '');
}

// ---- feeds ----

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An RSS 2.0 document carrying the items, as a news site or a social bridge serves it. */
export function rssFeed(title: string, items: BenchItem[]): string {
  const entries = items.map(
    (it) =>
      `<item><guid isPermaLink="false">${esc(it.externalId)}</guid><link>${esc(it.url!)}</link>` +
      `<title>${esc(it.title || it.text.slice(0, 80))}</title><description>${esc(`<p>${esc(it.text)}</p>`)}</description>` +
      `<author>${esc(it.author ?? '')}</author><pubDate>${new Date(it.publishedAt!).toUTCString()}</pubDate></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${esc(title)}</title><link>https://example.org/</link><description>bench</description>${entries.join('\n')}</channel></rss>\n`;
}
