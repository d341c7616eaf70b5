import { lookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { schemeAllowed } from '../domain/webhook-policy.js';
import { BookingError } from '../domain/errors.js';
import type { EndpointRules } from './deps.js';

// Server-side request forgery: an endpoint must not make this server call into its own network.
// The rule (domain/webhook-policy.ts) is applied twice: when an endpoint is saved, so the admin
// hears of it at once, and at every connection, since a name can resolve elsewhere later.

/**
 * Whether an endpoint may be reached at this address: only public unicast. Loopback, private,
 * link-local (cloud metadata at 169.254.169.254 among them), unique-local, carrier-grade NAT,
 * multicast, reserved and unspecified addresses are refused, and so are the IPv6 ranges that
 * embed an IPv4 address (NAT64, 6to4, Teredo); IPv4 mapped into IPv6 is judged as the IPv4
 * address it is.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

const refused = (message: string) => new BookingError('WEBHOOK_URL_REFUSED', message, [{ path: 'url', message }]);

/** The host of a URL as the network sees it: IPv6 literals lose their brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

const resolveAll = (host: string) =>
  new Promise<string[]>((resolve, reject) => {
    lookup(host, { all: true, order: 'verbatim' }, (error, addresses) => (error ? reject(error) : resolve(addresses.map((a) => a.address))));
  });

const firstInward = (addresses: string[]) => addresses.find((address) => !isPublicAddress(address));

/** Refuses, with the reason, a URL the server must not deliver to under these rules. */
export async function assertEndpointAllowed(text: string, rules: EndpointRules): Promise<void> {
  const url = new URL(text);
  if (!schemeAllowed(url, rules.allowHttp)) throw refused('Only https:// endpoints are accepted (http:// too when WEBHOOK_ALLOW_HTTP=true)');
  if (url.username || url.password) throw refused('Credentials in the URL are not accepted: webhooks are authenticated by their signature');
  if (rules.allowPrivateNetworks) return;
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await (rules.resolve ?? resolveAll)(host);
  } catch {
    throw refused(`${host} does not resolve`);
  }
  if (addresses.length === 0) throw refused(`${host} does not resolve`);
  const inward = firstInward(addresses);
  if (inward !== undefined) {
    throw refused(`${host} resolves to ${inward}, a loopback, private, link-local or otherwise non-public address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true lifts this)`);
  }
}

/** Why a connection was refused, for the delivery log. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
}

/**
 * A DNS lookup for outgoing connections that fails when the name resolves to any non-public
 * address: the check happens on the very addresses the socket is about to use. IP literals
 * never reach a lookup; the sender checks those itself (addressRefusal).
 */
export function guardedLookup(rules: EndpointRules): LookupFunction | undefined {
  if (rules.allowPrivateNetworks) return undefined;
  return (host, options, callback) => {
    const fail = (error: Error) => (callback as (error: Error) => void)(error);
    (rules.resolve ?? resolveAll)(host).then((addresses) => {
      const inward = firstInward(addresses);
      if (addresses.length === 0) return fail(new RefusedAddressError(`${host} does not resolve`));
      if (inward !== undefined) return fail(new RefusedAddressError(`${host} resolved to ${inward}, a non-public address`));
      const found = addresses.map((address) => ({ address, family: isIP(address) }));
      if (options.all) return callback(null, found);
      const [first] = found as [(typeof found)[number]];
      callback(null, first.address, first.family);
    }, fail);
  };
}

/** The refusal for a URL whose host is an IP literal the rules forbid; null when it may be called. */
export function addressRefusal(url: URL, rules: EndpointRules): RefusedAddressError | null {
  const host = hostOf(url);
  if (rules.allowPrivateNetworks || !isIP(host) || isPublicAddress(host)) return null;
  return new RefusedAddressError(`${host} is a non-public address`);
}
