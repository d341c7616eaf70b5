import ICAL from 'ical.js';

// Reads a calendar file the way a calendar application does (ical.js, Mozilla's parser), for
// tests to assert what a guest's calendar would show.

export interface ReadEvent {
  uid: string;
  status: string;
  summary: string;
  location: string;
  description: string;
  url: string;
  sequence: number;
  /** DTSTART's TZID parameter; null for a time in UTC. */
  tzid: string | null;
  /** DTSTART as written (wall time in tzid), e.g. 2030-06-02T11:00:00. */
  localStart: string;
  localEnd: string;
  /** The instants the calendar places the event at, resolved through the file's VTIMEZONE. */
  start: Date;
  end: Date;
  /** The TZIDs of the file's VTIMEZONE components. */
  timezones: string[];
  method: string | null;
}

export function readCalendar(file: string): ReadEvent {
  const calendar = ICAL.Component.fromString(file);
  const timezones = calendar.getAllSubcomponents('vtimezone').map((zone) => String(zone.getFirstPropertyValue('tzid')));
  // Times of a TZID resolve through the file's own VTIMEZONE, as a calendar without IANA data would.
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('the calendar file has no VEVENT');
  const event = new ICAL.Event(vevent);
  const dtstart = vevent.getFirstProperty('dtstart');
  const tzid = dtstart?.getParameter('tzid');
  const text = (name: string) => String(vevent.getFirstPropertyValue(name) ?? '');
  return {
    uid: event.uid,
    status: text('status'),
    summary: event.summary,
    location: event.location,
    description: event.description,
    url: text('url'),
    sequence: event.sequence,
    tzid: typeof tzid === 'string' ? tzid : null,
    localStart: event.startDate.toString(),
    localEnd: event.endDate.toString(),
    start: event.startDate.toJSDate(),
    end: event.endDate.toJSDate(),
    timezones,
    method: calendar.getFirstPropertyValue('method') === null ? null : String(calendar.getFirstPropertyValue('method')),
  };
}
