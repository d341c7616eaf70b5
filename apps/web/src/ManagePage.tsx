import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BookingStatus } from '@escape-room/sdk';
import { BookingDetails } from './BookingDetails.js';
import { client, linksOf } from './client.js';
import { formatDay, formatTime, localDate } from './format.js';
import { useNow } from './hooks.js';
import { describeError } from './messages.js';

const STATUS_TEXT: Record<BookingStatus, string> = {
  pending: 'Held, not yet confirmed',
  confirmed: 'Confirmed',
  released: 'Given back',
  expired: 'Hold ran out',
  cancelled: 'Cancelled',
};

/** `/bookings/{id}`: the booking, and a way to cancel it while the venue allows. */
export function ManagePage({ bookingId }: { bookingId: string }) {
  const queryClient = useQueryClient();
  // The cancel button goes away by itself when the window closes with the page open.
  const now = useNow();
  const venue = useQuery({ queryKey: ['venue'], queryFn: () => client.venue() });
  const booking = useQuery({ queryKey: ['booking', bookingId], queryFn: () => client.bookings.get(bookingId) });
  const cancel = useMutation({
    mutationFn: () => client.bookings.cancel(bookingId),
    onSuccess: (cancelled) => queryClient.setQueryData(['booking', bookingId], cancelled),
    // Whatever the answer, the booking as it now stands is worth showing.
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['booking', bookingId] }),
  });

  const failed = venue.error ?? booking.error;
  let body;
  if (failed) {
    body = (
      <div className="message error" role="alert">
        <p>{describeError(failed)}</p>
        <button type="button" onClick={() => void Promise.all([venue.refetch(), booking.refetch()])}>
          Try again
        </button>
      </div>
    );
  } else if (!venue.data || !booking.data) {
    body = <p role="status">Loading your booking…</p>;
  } else {
    const zone = venue.data.timezone;
    const b = booking.data;
    const until = Date.parse(b.cancellable_until);
    const untilText = `${formatDay(localDate(until, zone))}, ${formatTime(b.cancellable_until, zone)}`;
    body = (
      <section className="panel" aria-labelledby="booking-heading">
        <h2 id="booking-heading">Your booking</h2>
        <p className={`badge status-${b.status}`}>{STATUS_TEXT[b.status]}</p>
        <BookingDetails booking={b} zone={zone} />
        {b.status === 'confirmed' && (
          <p className="links">
            <a href={linksOf(b.id).calendar}>Add to calendar</a>
          </p>
        )}
        {b.status === 'confirmed' &&
          (now < until ? (
            <div className="cancel">
              <p>You can cancel free of charge until {untilText}.</p>
              <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
                {cancel.isPending ? 'Cancelling…' : 'Cancel this booking'}
              </button>
            </div>
          ) : (
            <p className="hint">Cancelling online was possible until {untilText}. Please contact the venue.</p>
          ))}
        <div role="status" aria-live="polite">
          {cancel.isSuccess && <p className="message success">Your booking is cancelled.</p>}
        </div>
        {cancel.isError && (
          <p className="message error" role="alert">
            {describeError(cancel.error)}
          </p>
        )}
        <p>
          <a href="/">Book another session</a>
        </p>
      </section>
    );
  }
  return (
    <>
      <header className="site">
        <p className="venue">{venue.data?.name ?? '\u00a0'}</p>
        <h1>Manage your booking</h1>
      </header>
      <main className="manage">{body}</main>
    </>
  );
}
