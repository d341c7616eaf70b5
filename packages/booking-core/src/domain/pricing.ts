import type { PricePer } from '../contract/rooms.js';

/** What a party pays is decided by these, all in hundredths of the currency (exact integers). */
export interface PriceTerms {
  priceCents: number;
  pricePer: PricePer;
  /** Ascending by minPlayers. */
  tiers: readonly { minPlayers: number; priceCents: number }[];
}

/**
 * The party's total, in hundredths: the largest tier the party reaches replaces the room's
 * price, which is each player's or the whole booking's as `pricePer` says. Integer arithmetic
 * throughout, so 3 players at 33.33 pay exactly 99.99.
 */
export function totalCents(terms: PriceTerms, players: number): number {
  let unit = terms.priceCents;
  for (const tier of terms.tiers) if (tier.minPlayers <= players) unit = tier.priceCents;
  return terms.pricePer === 'player' ? unit * players : unit;
}

/** A room's party limits. */
export interface PartyLimits {
  minPlayers: number;
  maxPlayers: number | null;
}

export function partyFits(limits: PartyLimits, players: number): boolean {
  return players >= limits.minPlayers && (limits.maxPlayers === null || players <= limits.maxPlayers);
}
