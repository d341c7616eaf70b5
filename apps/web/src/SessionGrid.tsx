import type { Booking, Room, Session, SessionStatus } from '@escape-room/sdk';
import { formatMoney, formatTimeRange } from './format.js';

interface SessionGridProps {
  rooms: Room[];
  sessions: Session[];
  zone: string;
  currency: string;
  chosen: Session | null;
  hold: Booking | null;
  onChoose: (session: Session, room: Room) => void;
}

/** Words for each status, so colour is never the only signal. */
const STATUS_TEXT: Record<SessionStatus, string> = {
  available: 'Available',
  held: 'On hold – may free up soon',
  booked: 'Booked',
  closed: 'No longer bookable',
};

const sameSession = (a: { room_id: number; start_date: string }, b: { room_id: number; start_date: string }) =>
  a.room_id === b.room_id && Date.parse(a.start_date) === Date.parse(b.start_date);

function partyLimits(room: Room): string {
  if (room.max_players === null) return `${room.min_players}+ players`;
  return room.min_players === room.max_players ? `${room.min_players} players` : `${room.min_players}–${room.max_players} players`;
}

/** One day's sessions, grouped by room in the rooms' order. */
export function SessionGrid({ rooms, sessions, zone, currency, chosen, hold, onChoose }: SessionGridProps) {
  const byRoom = rooms
    .map((room) => ({ room, sessions: sessions.filter((s) => s.room_id === room.id) }))
    .filter((group) => group.sessions.length > 0);
  if (byRoom.length === 0) return <p>No sessions on this day for your party. Try another day or party size.</p>;
  return (
    <div className="rooms">
      {byRoom.map(({ room, sessions: roomSessions }) => {
        const price = roomSessions[0]?.price;
        return (
          <article key={room.id} className="room" aria-labelledby={`room-${room.id}`}>
            <h3 id={`room-${room.id}`}>{room.name}</h3>
            <p>{room.description}</p>
            <p className="room-terms">
              <span>{partyLimits(room)}</span>
              {price && (
                <span>
                  Total for {price.players} {price.players === 1 ? 'player' : 'players'}: <strong>{formatMoney(price.total, currency)}</strong>
                </span>
              )}
            </p>
            <ul className="sessions">
              {roomSessions.map((session) => {
                const mine = hold !== null && sameSession(hold, session);
                const isChosen = chosen !== null && sameSession(chosen, session);
                const status = mine ? 'Held for you' : isChosen ? 'Selected' : STATUS_TEXT[session.status];
                return (
                  <li key={session.start_date}>
                    <button
                      type="button"
                      className={`session status-${mine ? 'mine' : session.status}`}
                      disabled={session.status !== 'available' && !mine}
                      aria-pressed={isChosen}
                      onClick={() => onChoose(session, room)}
                    >
                      <span className="time">{formatTimeRange(session.start_date, session.end_date, zone)}</span>
                      <span className="status">{status}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </article>
        );
      })}
    </div>
  );
}
