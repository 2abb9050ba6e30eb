/**
 * Who gets an alert: team routes whose patterns match the alert's key, else the default route;
 * each in its own language and with its own quiet hours.
 */
import type { Config } from '../../daemon/config.ts';
import type { Severity } from '../../rules/types.ts';
import type { Lang } from '../../rules/text.ts';

export type AlertsConfig = Config['alerts'];

export interface Route {
  id: string;
  to: string[];
  lang: Lang;
  quietHours?: { start: string; end: string };
  override: Severity;
}

export const DEFAULT_ROUTE = 'default';

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Route ids for an alert key (`claim:D01`); empty when neither a team nor the default route has recipients. */
export function routesFor(key: string, alerts: AlertsConfig): string[] {
  const teams = alerts.teams.filter((t) => t.match.some((p) => globToRegExp(p).test(key))).map((t) => t.id);
  if (teams.length) return teams;
  return alerts.to.length ? [DEFAULT_ROUTE] : [];
}

/**
 * The route's current settings. A team removed from the config since the alert was queued falls
 * back to the default route, so the alert still reaches someone.
 */
export function resolveRoute(id: string, alerts: AlertsConfig): Route {
  const team = alerts.teams.find((t) => t.id === id);
  if (team) return { id, to: team.to, lang: team.lang, quietHours: team.quiet_hours, override: team.override };
  return { id: DEFAULT_ROUTE, to: alerts.to, lang: alerts.lang, quietHours: alerts.quiet_hours, override: alerts.override };
}

function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

function localMinutes(now: number, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clocks.set(timeZone, clock);
  }
  const parts = clock.formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether the route is in its quiet hours at `now`, in the configured time zone. */
export function inQuietHours(route: Route, now: number, timeZone: string): boolean {
  if (!route.quietHours) return false;
  const start = minutesOfDay(route.quietHours.start);
  const end = minutesOfDay(route.quietHours.end);
  const m = localMinutes(now, timeZone);
  return start <= end ? m >= start && m < end : m >= start || m < end;
}

/** An alert waits for the end of quiet hours unless its severity is at or above the route's override. */
export function heldByQuietHours(route: Route, severity: Severity, now: number, timeZone: string): boolean {
  return inQuietHours(route, now, timeZone) && SEVERITY_RANK[severity] < SEVERITY_RANK[route.override];
}
