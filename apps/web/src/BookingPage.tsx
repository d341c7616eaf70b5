import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { MAX_PARTY, type Booking, type Room, type Session } from '@escape-room/sdk';
import { BookingDetails } from './BookingDetails.js';
import { Calendar } from './Calendar.js';
import { client, linksOf } from './client.js';
import { addDays, daysInMonth, formatDay, localDate, monthOf, zoneDiffers } from './format.js';
import { HoldPanel, type Guest } from './HoldPanel.js';
import { describeError, plainMessage } from './messages.js';
import { SessionGrid } from './SessionGrid.js';

/** `?room_id=2&players=4&date=2030-03-31`, for links and embeds; anything malformed is ignored. */
function preselection(search: URLSearchParams) {
  const int = (name: string, max: number) => {
    const value = Number(search.get(name));
    return Number.isInteger(value) && value >= 1 && value <= max ? value : undefined;
  };
  const date = search.get('date');
  return {
    roomId: int('room_id', Number.MAX_SAFE_INTEGER),
    players: int('players', MAX_PARTY),
    date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined,
  };
}

export function BookingPage({ search }: { search: URLSearchParams }) {
  const initial = useMemo(() => preselection(search), [search]);
  const queryClient = useQueryClient();
  const venue = useQuery({ queryKey: ['venue'], queryFn: () => client.venue() });
  const rooms = useQuery({ queryKey: ['rooms'], queryFn: () => client.rooms.list() });
  const [players, setPlayers] = useState(initial.players ?? 2);
  const [roomId, setRoomId] = useState(initial.roomId);
  const [month, setMonth] = useState<string | null>(initial.date ? monthOf(initial.date) : null);
  const [date, setDate] = useState<string | null>(initial.date ?? null);
  const [choice, setChoice] = useState<{ session: Session; room: Room } | null>(null);
  const [hold, setHold] = useState<Booking | null>(null);
  const [confirmed, setConfirmed] = useState<Booking | null>(null);
  const [guest, setGuest] = useState<Guest>({ name: '', email: '' });
  const [notice, setNotice] = useState<string | null>(null);
  const sessionsHeading = useRef<HTMLHeadingElement>(null);
  const confirmedHeading = useRef<HTMLHeadingElement>(null);

  const zone = venue.data?.timezone;
  // The venue's today, as of the page's opening (the calendar's first month and past days).
  const [openedAt] = useState(() => Date.now());
  const today = zone ? localDate(openedAt, zone) : null;
  const shownMonth = month ?? (today ? monthOf(today) : null);

  const sessions = useQuery({
    queryKey: ['sessions', shownMonth, players, roomId],
    enabled: shownMonth !== null,
    queryFn: () => client.sessions({ date: shownMonth ?? '', days: daysInMonth(shownMonth ?? ''), players, ...(roomId ? { room_id: roomId } : {}) }),
  });

  // A day can be chosen when one of its sessions can still be held or may free up: days past,
  // beyond the horizon or without sessions are greyed out (the server marks them `closed`).
  const open = useMemo(
    () => new Set((sessions.data?.sessions ?? []).filter((s) => s.status !== 'closed').map((s) => s.local_start.slice(0, 10))),
    [sessions.data],
  );
  // Until the guest picks a day, the month's first day with a session to choose is shown.
  const shownDate = date ?? [...open].sort()[0] ?? null;
  const daySessions = (sessions.data?.sessions ?? []).filter((s) => s.local_start.slice(0, 10) === shownDate);
  const horizon = venue.data?.horizon_days;
  const lastDay = today && horizon != null ? addDays(today, horizon) : null;

  useEffect(() => {
    if (confirmed) confirmedHeading.current?.focus();
  }, [confirmed]);

  const refreshSessions = () => queryClient.invalidateQueries({ queryKey: ['sessions'] });

  if (venue.isError || rooms.isError) {
    return (
      <Shell>
        <div className="message error" role="alert">
          <p>{describeError(venue.error ?? rooms.error)}</p>
          <button type="button" onClick={() => void Promise.all([venue.refetch(), rooms.refetch()])}>
            Try again
          </button>
        </div>
      </Shell>
    );
  }
  if (!venue.data || !rooms.data || !zone || !shownMonth || !today) {
    return (
      <Shell>
        <p role="status">Loading sessions…</p>
      </Shell>
    );
  }
  const venueData = venue.data;
  const roomList = rooms.data;
  const preselectedRoom = roomList.find((room) => room.id === roomId);

  if (confirmed) {
    return (
      <Shell venueName={venueData.name}>
        <section className="panel confirmation" aria-labelledby="confirmed-heading">
          <h2 id="confirmed-heading" ref={confirmedHeading} tabIndex={-1}>
            Booking confirmed
          </h2>
          <p role="status">See you soon, {confirmed.guest.name}! Keep your reference for any question.</p>
          <BookingDetails booking={confirmed} zone={zone} />
          <p className="links">
            <a href={linksOf(confirmed.id).calendar}>Add to calendar</a>
            <a href={linksOf(confirmed.id).manage}>Manage your booking</a>
          </p>
          <button
            type="button"
            onClick={() => {
              setConfirmed(null);
              setChoice(null);
              void refreshSessions();
            }}
          >
            Book another session
          </button>
        </section>
      </Shell>
    );
  }

  return (
    <Shell venueName={venueData.name}>
      <section aria-labelledby="when-heading">
        <h2 id="when-heading">1. Choose a day and your party</h2>
        {zoneDiffers(zone) && (
          <p className="hint zone-note">
            Times are shown in the venue’s time zone, <strong>{zone}</strong>.
          </p>
        )}
        <div className="field party">
          <label htmlFor="players">Players</label>
          <input
            id="players"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_PARTY}
            value={players}
            onChange={(event) => {
              const value = Number(event.target.value);
              if (Number.isInteger(value) && value >= 1 && value <= MAX_PARTY) setPlayers(value);
            }}
          />
        </div>
        {preselectedRoom && (
          <p className="hint">
            Showing {preselectedRoom.name} only.{' '}
            <button type="button" className="link" onClick={() => setRoomId(undefined)}>
              Show all rooms
            </button>
          </p>
        )}
        <Calendar
          month={shownMonth}
          selected={shownDate}
          open={open}
          loading={sessions.isFetching}
          canGoBack={shownMonth > monthOf(today)}
          canGoForward={lastDay === null || addDays(shownMonth, daysInMonth(shownMonth)) <= lastDay}
          onMonth={(next) => {
            setMonth(next);
            setDate(null);
          }}
          onSelect={(day) => {
            setDate(day);
            setNotice(null);
            sessionsHeading.current?.focus();
          }}
        />
        {sessions.isError && (
          <div className="message error" role="alert">
            <p>{describeError(sessions.error)}</p>
            <button type="button" onClick={() => void sessions.refetch()}>
              Try again
            </button>
          </div>
        )}
      </section>

      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading" ref={sessionsHeading} tabIndex={-1}>
          2. Choose a session{shownDate ? ` on ${formatDay(shownDate)}` : ''}
        </h2>
        {notice && (
          <p className="message warning" role="alert">
            {notice}
          </p>
        )}
        {shownDate ? (
          sessions.data && (
            <SessionGrid
              rooms={roomList}
              sessions={daySessions}
              zone={zone}
              currency={sessions.data.currency}
              chosen={choice?.session ?? null}
              hold={hold}
              onChoose={(session, room) => {
                setNotice(null);
                setChoice({ session, room });
              }}
            />
          )
        ) : (
          <p>{sessions.isFetching ? 'Loading sessions…' : 'No sessions to choose this month: try the next one.'}</p>
        )}
      </section>

      {choice && (
        <HoldPanel
          key={`${choice.session.room_id}@${choice.session.start_date}`}
          session={choice.session}
          room={choice.room}
          players={players}
          zone={zone}
          currency={sessions.data?.currency ?? venueData.currency}
          guest={guest}
          onGuest={setGuest}
          hold={hold}
          onHold={setHold}
          onConfirmed={setConfirmed}
          onTaken={() => {
            setChoice(null);
            setNotice(plainMessage('SLOT_UNAVAILABLE'));
            void refreshSessions();
            sessionsHeading.current?.focus();
          }}
          onChanged={() => void refreshSessions()}
          onReleased={() => {
            setChoice(null);
            setNotice('You gave the session back. Choose another whenever you like.');
            void refreshSessions();
            sessionsHeading.current?.focus();
          }}
        />
      )}
    </Shell>
  );
}

function Shell({ venueName, children }: { venueName?: string | undefined; children: ReactNode }) {
  return (
    <>
      <header className="site">
        <p className="venue">{venueName ?? '\u00a0'}</p>
        <h1>Book an escape room</h1>
      </header>
      <main className="booking">{children}</main>
    </>
  );
}
