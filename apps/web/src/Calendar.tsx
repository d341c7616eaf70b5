import { addDays, addMonths, daysInMonth, formatDay } from './format.js';

interface CalendarProps {
  /** The first day of the month shown (YYYY-MM-01). */
  month: string;
  selected: string | null;
  /** Days with at least one session that can still be chosen; every other day is greyed out. */
  open: ReadonlySet<string>;
  loading: boolean;
  canGoBack: boolean;
  canGoForward: boolean;
  onMonth: (month: string) => void;
  onSelect: (date: string) => void;
}

// Weeks start on Monday; 2024-01-01 was one, so its week names the columns in the browser's locale.
const WEEKDAYS = Array.from({ length: 7 }, (_, i) => addDays('2024-01-01', i));

/** A month of venue-local days as buttons; days without a session to choose are disabled. */
export function Calendar({ month, selected, open, loading, canGoBack, canGoForward, onMonth, onSelect }: CalendarProps) {
  const count = daysInMonth(month);
  const firstWeekday = (new Date(`${month}T00:00:00Z`).getUTCDay() + 6) % 7;
  const days = Array.from({ length: count }, (_, i) => addDays(month, i));
  return (
    <div className="calendar">
      <div className="calendar-nav">
        <button type="button" onClick={() => onMonth(addMonths(month, -1))} disabled={!canGoBack} aria-label="Previous month">
          ‹
        </button>
        <h3 id="calendar-month" aria-live="polite">
          {formatDay(month, { month: 'long', year: 'numeric' })}
        </h3>
        <button type="button" onClick={() => onMonth(addMonths(month, 1))} disabled={!canGoForward} aria-label="Next month">
          ›
        </button>
      </div>
      <div className="calendar-grid" role="group" aria-labelledby="calendar-month" aria-busy={loading}>
        {WEEKDAYS.map((day) => (
          <span key={day} className="weekday" aria-hidden="true">
            {formatDay(day, { weekday: 'narrow' })}
          </span>
        ))}
        {days.map((date, i) => {
          const isOpen = open.has(date);
          return (
            <button
              key={date}
              type="button"
              className="day"
              data-date={date}
              data-first-weekday={i === 0 ? firstWeekday + 1 : undefined}
              disabled={!isOpen}
              aria-pressed={selected === date}
              aria-label={`${formatDay(date, { weekday: 'long', day: 'numeric', month: 'long' })}${isOpen ? '' : ', no sessions'}`}
              onClick={() => onSelect(date)}
            >
              {Number(date.slice(8))}
            </button>
          );
        })}
      </div>
    </div>
  );
}
