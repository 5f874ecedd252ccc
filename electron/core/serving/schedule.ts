import type { AvailabilitySettings } from "../../../shared/api/index.js";

export type ServingSchedule = AvailabilitySettings["schedule"];

const WEEK_HOURS = 7 * 24;

/** True when `at` (local time) falls in an hour the schedule serves: its weekday is listed and so is its hour. */
export function isScheduled(schedule: ServingSchedule, at: Date): boolean {
  return schedule.days.includes(at.getDay()) && schedule.hours.includes(at.getHours());
}

/**
 * The next moment (epoch ms) the schedule flips between serving and not, or null when it never does (every hour
 * or no hour at all). Steps by local wall-clock hours, so a daylight-saving change moves the boundary with the
 * clock the user reads.
 */
export function nextScheduleChange(schedule: ServingSchedule, from: Date): number | null {
  const current = isScheduled(schedule, from);
  const probe = new Date(from.getFullYear(), from.getMonth(), from.getDate(), from.getHours());
  for (let step = 0; step < WEEK_HOURS + 1; step++) {
    probe.setHours(probe.getHours() + 1);
    if (isScheduled(schedule, probe) !== current) return probe.getTime();
  }
  return null;
}

