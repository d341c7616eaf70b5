import { useMutation } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef, useState, type SubmitEvent } from 'react';
import { isBookingApiError, type Booking, type HoldInput, type Room, type Session } from '@escape-room/sdk';
import { client } from './client.js';
import { formatCountdown, formatDay, formatDuration, formatMoney, formatTime, formatTimeRange } from './format.js';
import { useNow } from './hooks.js';
import { describeError, errorCode, isTemporary, retryAfter } from './messages.js';

export interface Guest {
  name: string;
  email: string;
}

interface HoldPanelProps {
  session: Session;
  room: Room;
  players: number;
  zone: string;
  currency: string;
  guest: Guest;
  onGuest: (guest: Guest) => void;
  /** The guest's live hold, on this session or another one. */
  hold: Booking | null;
  onHold: (hold: Booking | null) => void;
  onConfirmed: (booking: Booking) => void;
  /** The session went to someone else: the grid refreshes and says so. */
  onTaken: () => void;
  /** Sessions changed (a hold given back or lapsed): the grid refreshes. */
  onChanged: () => void;
  onReleased: () => void;
}

type FieldErrors = Partial<Record<keyof Guest, string>>;

/**
 * The API judges the fields (its issues decide which are wrong); the guest reads plain words,
 * not the schema's wording.
 */
const FIELD_HELP: Record<keyof Guest, string> = {
  name: 'Please enter your name.',
  email: 'Please enter an email address like name@example.com.',
};

const randomKey = (): string =>
  typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Announces a minute before a hold lapses (the countdown itself is not read out every second). */
const WARN_MS = 60_000;

/** The chosen session: guest details, the hold with its countdown, and confirmation. */
export function HoldPanel(props: HoldPanelProps) {
  const { session, room, players, zone, currency, guest, onGuest, hold, onHold, onConfirmed, onTaken, onChanged, onReleased } = props;
  const heldHere = hold !== null && hold.room_id === session.room_id && Date.parse(hold.start_date) === Date.parse(session.start_date) ? hold : null;
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<{ error: unknown; retry: () => void } | null>(null);
  const [waitUntil, setWaitUntil] = useState<{ at: number; seconds: number } | null>(null);
  const [lapsed, setLapsed] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [capped, setCapped] = useState(false);
  // How long a fresh hold lasts here (the server's BOOKING_HOLD_MINUTES), learnt from the first answer.
  const [holdLength, setHoldLength] = useState(0);
  // The Idempotency-Key of the hold being attempted: kept while the same request is retried
  // after a temporary failure, so a double click or a retry never holds two sessions.
  const attempt = useRef<{ body: string; key: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const heldHeading = useRef<HTMLHeadingElement>(null);
  const now = useNow();

  useEffect(() => heading.current?.focus(), []);
  const heldId = heldHere?.id;
  useEffect(() => {
    if (heldId) heldHeading.current?.focus();
  }, [heldId]);

  /** Shows a failure; the RATE_LIMITED ones wait for Retry-After and then go again by themselves. */
  function fail(cause: unknown, retry: () => void) {
    const wait = retryAfter(cause);
    if (wait !== undefined) setWaitUntil({ at: Date.now() + wait * 1000, seconds: wait });
    setError({ error: cause, retry });
  }

  const holdMutation = useMutation({
    mutationFn: (input: HoldInput) => {
      const body = JSON.stringify(input);
      if (attempt.current?.body !== body) attempt.current = { body, key: randomKey() };
      return client.bookings.hold(input, { idempotencyKey: attempt.current.key });
    },
    onMutate: () => {
      setError(null);
      setFieldErrors({});
    },
    onSuccess: (booking) => {
      attempt.current = null;
      setHoldLength(Date.parse(booking.expires_at ?? '') - Date.parse(booking.created_at));
      setLapsed(false);
      setCapped(false);
      onHold(booking);
      setAnnouncement(`Session held for you until ${formatTime(booking.expires_at ?? booking.end_date, zone)}. Confirm before then.`);
    },
    onError: (cause, input) => {
      if (!isTemporary(cause)) attempt.current = null;
      const code = errorCode(cause);
      if (code === 'SLOT_UNAVAILABLE') {
        onTaken();
        return;
      }
      if (code === 'VALIDATION_ERROR' && isBookingApiError(cause)) {
        const fields: FieldErrors = {};
        for (const issue of cause.issues) {
          if (issue.path === 'guest.name') fields.name = FIELD_HELP.name;
          else if (issue.path === 'guest.email') fields.email = FIELD_HELP.email;
        }
        setFieldErrors(fields);
        if (Object.keys(fields).length > 0) return;
      }
      fail(cause, () => holdMutation.mutate(input));
    },
  });

  const lapse = () => {
    setLapsed(true);
    onHold(null);
    onChanged();
    setAnnouncement('Your hold on this session ran out before it was confirmed.');
  };

  const extendMutation = useMutation({
    mutationFn: (booking: Booking) => client.bookings.extend(booking.id),
    onMutate: () => setError(null),
    onSuccess: (extended) => {
      onHold(extended);
      // The server caps a hold's life and answers the capped expiry: an extension that restarts
      // the clock for less than a fresh hold's length means the cap is reached.
      setCapped(Date.parse(extended.expires_at ?? '') < Date.now() + holdLength - 2000);
      setAnnouncement(`Your hold now lasts until ${formatTime(extended.expires_at ?? extended.end_date, zone)}.`);
    },
    onError: (cause, booking) => (errorCode(cause) === 'HOLD_EXPIRED' ? lapse() : fail(cause, () => extendMutation.mutate(booking))),
  });

  const confirmMutation = useMutation({
    mutationFn: (booking: Booking) => client.bookings.confirm(booking.id),
    onMutate: () => setError(null),
    onSuccess: (booking) => {
      onHold(null);
      onConfirmed(booking);
    },
    onError: (cause, booking) => (errorCode(cause) === 'HOLD_EXPIRED' ? lapse() : fail(cause, () => confirmMutation.mutate(booking))),
  });

  const releaseMutation = useMutation({
    mutationFn: (booking: Booking) => client.bookings.release(booking.id),
    onMutate: () => setError(null),
    onSuccess: () => {
      onHold(null);
      onReleased();
    },
    onError: (cause, booking) => (errorCode(cause) === 'HOLD_EXPIRED' ? lapse() : fail(cause, () => releaseMutation.mutate(booking))),
  });

  const remaining = heldHere?.expires_at ? Math.min(Date.parse(heldHere.expires_at) - now, holdLength || Infinity) : null;

  // The hold's own clock: a warning a minute before it lapses, then the lapse itself (unless a
  // confirmation is on its way: the server decides that one).
  const onLapse = useEffectEvent(() => {
    if (!confirmMutation.isPending) lapse();
  });
  const onWarn = useEffectEvent(() => setAnnouncement('Less than a minute left on your hold.'));
  const expiresAt = heldHere?.expires_at;
  useEffect(() => {
    if (!expiresAt) return;
    const left = Date.parse(expiresAt) - Date.now();
    const timers = [setTimeout(onLapse, Math.max(0, left))];
    if (left > WARN_MS) timers.push(setTimeout(onWarn, left - WARN_MS));
    return () => timers.forEach((timer) => clearTimeout(timer));
  }, [expiresAt]);

  // After RATE_LIMITED, try once more when the server said we may.
  const onWaited = useEffectEvent(() => {
    setWaitUntil(null);
    error?.retry();
  });
  useEffect(() => {
    if (waitUntil === null) return;
    const timer = setTimeout(onWaited, Math.max(0, waitUntil.at - Date.now()));
    return () => clearTimeout(timer);
  }, [waitUntil]);
  // `now` ticks once a second, so it can lag: never show more than was asked for.
  const waitLeft = waitUntil === null ? null : Math.min(waitUntil.at - now, waitUntil.seconds * 1000);

  const holdInput = (replacing: boolean): HoldInput => ({
    room_id: session.room_id,
    start_date: session.start_date,
    end_date: session.end_date,
    players,
    guest: { name: guest.name.trim(), email: guest.email.trim() },
    ...(replacing && hold ? { replaces: hold.id } : {}),
  });

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    holdMutation.mutate(holdInput(true));
  };

  const busy =
    holdMutation.isPending || extendMutation.isPending || confirmMutation.isPending || releaseMutation.isPending || (waitLeft !== null && waitLeft > 0);
  const when = `${formatDay(session.local_start.slice(0, 10))}, ${formatTimeRange(session.start_date, session.end_date, zone)}`;

  return (
    <section className="panel" aria-labelledby="panel-heading">
      <h2 id="panel-heading" ref={heading} tabIndex={-1}>
        3. Your session
      </h2>
      <p className="summary">
        <strong>{room.name}</strong>
        <br />
        {when}
        <br />
        {players} {players === 1 ? 'player' : 'players'} · {formatMoney(session.price.total, currency)}
      </p>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>

      {heldHere ? (
        <div className="held">
          <h3 ref={heldHeading} tabIndex={-1}>
            Held for you
          </h3>
          <p>
            <span role="timer" className="countdown" aria-label="Time left on your hold">
              {formatCountdown(remaining ?? 0)}
            </span>{' '}
            left to confirm (until {formatTime(heldHere.expires_at ?? heldHere.end_date, zone)}).
          </p>
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => confirmMutation.mutate(heldHere)}>
              Confirm booking
            </button>
            <button type="button" disabled={busy || capped} aria-describedby={capped ? 'extend-capped' : undefined} onClick={() => extendMutation.mutate(heldHere)}>
              I need more time
            </button>
            <button type="button" disabled={busy} onClick={() => releaseMutation.mutate(heldHere)}>
              Give it back
            </button>
          </div>
          {capped && (
            <p id="extend-capped" className="hint">
              This is as long as we can hold a session: please confirm by {formatTime(heldHere.expires_at ?? heldHere.end_date, zone)}.
            </p>
          )}
        </div>
      ) : lapsed ? (
        <div className="lapsed">
          <p className="message warning">Your hold on this session ran out before it was confirmed.</p>
          <button type="button" className="primary" disabled={busy} onClick={() => holdMutation.mutate(holdInput(false))}>
            Try this session again
          </button>
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          {hold && <p className="hint">You are holding another session; holding this one gives that one back.</p>}
          <Field label="Your name" name="name" autoComplete="name" value={guest.name} error={fieldErrors.name} onChange={(name) => onGuest({ ...guest, name })} />
          <Field label="Email" name="email" type="email" autoComplete="email" value={guest.email} error={fieldErrors.email} onChange={(email) => onGuest({ ...guest, email })} />
          <button type="submit" className="primary" disabled={busy}>
            {holdMutation.isPending ? 'Holding…' : hold ? 'Hold this session instead' : 'Hold this session'}
          </button>
        </form>
      )}

      {error && (
        <div className={`message ${errorCode(error.error) === 'RATE_LIMITED' ? 'warning' : 'error'}`} role="alert">
          <p>{describeError(error.error)}</p>
          {waitLeft !== null && waitLeft > 0 ? (
            <p>Trying again in {formatDuration(waitLeft / 1000)}…</p>
          ) : (
            isTemporary(error.error) && (
              <button type="button" disabled={busy} onClick={error.retry}>
                Try again
              </button>
            )
          )}
        </div>
      )}
    </section>
  );
}

interface FieldProps {
  label: string;
  name: string;
  value: string;
  error: string | undefined;
  type?: string;
  autoComplete: string;
  onChange: (value: string) => void;
}

function Field({ label, name, value, error, type = 'text', autoComplete, onChange }: FieldProps) {
  const id = `guest-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
