import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BookingPage } from './BookingPage.js';
import { ManagePage } from './ManagePage.js';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // The SDK already retries reads and holds that may pass (with the hold's own key); a write
    // retried here could happen twice, so the page offers "Try again" instead.
    queries: { retry: false, refetchOnWindowFocus: true },
    mutations: { retry: false },
  },
});

// Two pages, so no router: the server answers index.html for both paths.
const manage = /^\/bookings\/([^/]+)\/?$/.exec(window.location.pathname);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      {manage?.[1] ? <ManagePage bookingId={decodeURIComponent(manage[1])} /> : <BookingPage search={new URLSearchParams(window.location.search)} />}
    </QueryClientProvider>
  </StrictMode>,
);
