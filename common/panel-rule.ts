/**
 * PanelDown's rule (prometheus/rules/probe-alerts.yml), shared by the notifier and the status page:
 * a panel is down when at least two of the locations checking it fail at once, or the only one
 * when a single location checks it.
 */

/** Locations that must fail at once for the panel to count as down. */
export function locationsNeeded(locationCount: number): number {
  return Math.min(2, locationCount);
}

/** Whether a panel checked from `checking` locations, `failing` of which fail, is down. */
export function downByRule(failing: number, checking: number): boolean {
  const needed = locationsNeeded(checking);
  return needed > 0 && failing >= needed;
}
