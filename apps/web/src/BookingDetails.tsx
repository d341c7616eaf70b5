import type { Booking } from '@escape-room/sdk';
import { formatDay, formatMoney, formatTimeRange } from './format.js';

/** What a guest needs to recognise a booking: on the confirmation and on the manage page. */
export function BookingDetails({ booking, zone }: { booking: Booking; zone: string }) {
  return (
    <dl className="details">
      <dt>Reference</dt>
      <dd className="reference">{booking.reference}</dd>
      <dt>Room</dt>
      <dd>{booking.room.name}</dd>
      <dt>Date</dt>
      <dd>{formatDay(booking.local_start.slice(0, 10))}</dd>
      <dt>Time</dt>
      <dd>{formatTimeRange(booking.start_date, booking.end_date, zone)}</dd>
      <dt>Players</dt>
      <dd>{booking.players}</dd>
      <dt>Total</dt>
      <dd>{formatMoney(booking.price.total, booking.price.currency)}</dd>
    </dl>
  );
}
